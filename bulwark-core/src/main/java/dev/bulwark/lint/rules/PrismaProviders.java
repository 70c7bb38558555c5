package dev.bulwark.lint.rules;

import dev.bulwark.lint.SetContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Prisma: migration_lock.toml's provider must be the datasource provider of schema.prisma, and PostgreSQL. */
final class PrismaProviders {
    private static final Pattern PROVIDER = Pattern.compile("(?m)^\\s*provider\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern DATASOURCE = Pattern.compile("(?s)datasource\\s+\\w+\\s*\\{(.*?)}");

    private PrismaProviders() {
    }

    static void check(SetContext ctx) {
        Path lock = ctx.set().directory().resolve("migration_lock.toml");
        if (!Files.isRegularFile(lock)) {
            return;
        }
        String lockText = read(lock);
        Matcher lp = PROVIDER.matcher(lockText);
        if (!lp.find()) {
            return;
        }
        String locked = lp.group(1);
        int lockLine = line(lockText, lp.start(1));
        if (!locked.equals("postgresql") && !locked.equals("postgres")) {
            ctx.report(lock, lockLine, lp.start(1) - lockText.lastIndexOf('\n', lp.start(1)), locked.length(),
                    "migration_lock.toml says provider = \"" + locked + "\": these migrations were generated for "
                            + locked + ", not PostgreSQL", "regenerate the migrations for postgresql", null);
        }
        for (Path schema : List.of(ctx.set().directory().resolveSibling("schema.prisma"),
                ctx.projectDir().resolve("prisma").resolve("schema.prisma"), ctx.projectDir().resolve("schema.prisma"))) {
            if (!Files.isRegularFile(schema)) {
                continue;
            }
            String text = read(schema);
            Matcher ds = DATASOURCE.matcher(text);
            if (ds.find()) {
                Matcher sp = PROVIDER.matcher(ds.group(1));
                if (sp.find() && !sp.group(1).equals(locked)) {
                    int offset = ds.start(1) + sp.start(1);
                    ctx.report(schema, line(text, offset), offset - text.lastIndexOf('\n', offset), sp.group(1).length(),
                            "schema.prisma's datasource provider is \"" + sp.group(1) + "\" but migration_lock.toml says \""
                                    + locked + "\": prisma migrate deploy refuses to run",
                            "make both say postgresql, and regenerate the migrations if they were made for " + locked, null);
                }
            }
            return;
        }
    }

    static int line(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
