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
                    if (placeholder(password) || template(file) && standIn(password)) {
                        continue;
                    }
                    ctx.report(file, i + 1, m.start(4) + 1, password.length(), file.getFileName() + " holds a " + m.group(1)
                            + " URL with the password of user " + m.group(3) + " in plain text (" + mask(m.group()) + ")",
                            null, null);
                }
                Matcher p = PASSWORD_SETTING.matcher(line);
                if (p.find() && !placeholder(p.group(2)) && !(template(file) && standIn(p.group(2)))) {
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

    /** In a file meant to be copied and filled in, a value written to be replaced. */
    private static boolean standIn(String value) {
        return PLACEHOLDER.matcher(value).matches() || TEMPLATE_VALUE.matcher(value).matches();
    }

    /**
     * Values written to be replaced, not secrets, in template files: CHANGE_ME…, changeme, xxx, your_password,
     * [password], …. In a file that is used as it is (alembic.ini, .env), such a value is the
     * password actually in use, however weak, and is reported.
     */
    private static final Pattern PLACEHOLDER = Pattern.compile("(?i)change[_-]?me.*|x{3,}|\\[[^\\]]*]|\\{[^}]*}"
            + "|(your|my|the|some|example|sample|dummy|fake)[_-]?(db[_-]?)?(password|pass|passwd|pwd|secret)[_-]?(here)?"
            + "|(password|secret|pass)[_-]?(here|placeholder)|placeholder|redacted|replace[_-]?me.*|todo|tbd");

    /** In a template file, the obvious stand-ins as well: password, secret, pass, postgres. */
    private static final Pattern TEMPLATE_VALUE = Pattern.compile("(?i)pass(word)?|secret|postgres|pwd|test|example");

    /** *.example, *.sample, *.template, *.dist: files committed to be copied and filled in. */
    private static boolean template(Path file) {
        String n = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".example") || n.endsWith(".sample") || n.endsWith(".template") || n.endsWith(".dist")
                || n.endsWith(".tmpl") || n.contains(".example.") || n.contains(".sample.");
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
        String n = p.getFileName().toString().replaceFirst("\\.(example|sample|template|dist|tmpl)$", "");
        return n.equals("alembic.ini") || n.startsWith(".env") || n.equals("schema.prisma") || n.equals("bulwark.toml")
                || n.equals("flyway.conf") || n.equals("flyway.toml") || n.equals("dbconfig.yml")
                || n.matches("(docker-)?compose.*\\.ya?ml") || n.endsWith(".yml") || n.endsWith(".yaml")
                || n.equals("drizzle.config.ts") || n.equals("knexfile.js");
    }
}
