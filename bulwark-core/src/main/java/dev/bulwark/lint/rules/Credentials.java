package dev.bulwark.lint.rules;

import dev.bulwark.lint.SetContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds database URLs with a literal password (and POSTGRES_PASSWORD-style settings) in committed config files. */
final class Credentials {
    private static final Pattern URL = Pattern.compile(
            "\\b(postgres(?:ql)?|mysql|mariadb|sqlserver|mongodb)(\\+\\w+)?://([^:/@\\s\"']+):([^@\\s\"']+)@");
    private static final Pattern PASSWORD_SETTING = Pattern.compile(
            "(?i)(?<![\\w.])(POSTGRES_PASSWORD|PGPASSWORD|DB_PASSWORD|DATABASE_PASSWORD|MYSQL_PASSWORD|flyway\\.password|password(?==[^&\\s]))\\s*[:=]\\s*[\"']?([^\\s\"'#&]+)");

    private Credentials() {
    }

    static void check(SetContext ctx) {
        for (Path file : candidates(ctx)) {
            String text = PrismaProviders.read(file);
            String[] lines = text.split("\\r?\\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                String trimmed = line.trim();
                if (trimmed.startsWith("#") || trimmed.startsWith("//") || trimmed.startsWith(";")) {
                    continue;
                }
                Matcher m = URL.matcher(line);
                while (m.find()) {
                    String password = m.group(4);
                    if (placeholder(password)) {
                        continue;
                    }
                    ctx.report(file, i + 1, m.start(4) + 1, password.length(), file.getFileName() + " holds a " + m.group(1)
                            + " URL with the password of user " + m.group(3) + " in plain text (" + mask(m.group()) + ")",
                            null, null);
                }
                Matcher p = PASSWORD_SETTING.matcher(line);
                if (p.find() && !placeholder(p.group(2))) {
                    ctx.report(file, i + 1, p.start(2) + 1, p.group(2).length(), file.getFileName() + " sets " + p.group(1)
                            + " to a literal password", null, null);
                }
            }
        }
    }

    private static boolean placeholder(String password) {
        return password.startsWith("$") || password.startsWith("%(") || password.startsWith("{{") || password.startsWith("<")
                || password.equals("*") || password.matches("\\*+") || password.startsWith("env(");
    }

    private static String mask(String url) {
        return url.replaceAll(":([^:@/]+)@$", ":***@");
    }

    /** Config files in the project folder, its config/ folder, the migrations folder and its parent (alembic.ini, prisma/). */
    private static List<Path> candidates(SetContext ctx) {
        List<Path> dirs = new ArrayList<>();
        for (Path d : List.of(ctx.projectDir(), ctx.projectDir().resolve("config"), ctx.projectDir().resolve("prisma"),
                ctx.projectDir().resolve("alembic"), ctx.set().directory(),
                ctx.set().directory().toAbsolutePath().getParent())) {
            if (d != null && Files.isDirectory(d) && dirs.stream().noneMatch(x -> sameDir(x, d))) {
                dirs.add(d);
            }
        }
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.list(d)) {
                s.filter(Files::isRegularFile).filter(Credentials::isConfig).sorted().forEach(out::add);
            } catch (IOException e) {
                // an unreadable folder holds nothing we can check
            }
        }
        return out;
    }

    private static boolean sameDir(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static boolean isConfig(Path p) {
        String n = p.getFileName().toString();
        return n.equals("alembic.ini") || n.startsWith(".env") || n.equals("schema.prisma") || n.equals("bulwark.toml")
                || n.equals("flyway.conf") || n.equals("flyway.toml") || n.equals("dbconfig.yml")
                || n.matches("(docker-)?compose.*\\.ya?ml") || n.endsWith(".yml") || n.endsWith(".yaml")
                || n.equals("drizzle.config.ts") || n.equals("knexfile.js");
    }
}
