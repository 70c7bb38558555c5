package dev.bulwark.maven;

import dev.bulwark.api.Bulwark;
import dev.bulwark.api.BulwarkEvent;
import dev.bulwark.api.BulwarkFailure;
import dev.bulwark.api.FluentConfiguration;
import dev.bulwark.api.MigrationFormat;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Settings every goal shares. Each falls back to {@code bulwark.toml} in the project's base
 * directory, then to Bulwark's defaults; the migrations default to
 * {@code src/main/resources/db/migration} (Flyway's layout) when there is no {@code bulwark.toml}.
 */
abstract class AbstractBulwarkMojo extends AbstractMojo {
    static final String DEFAULT_LOCATION = "filesystem:src/main/resources/db/migration";

    @Parameter(defaultValue = "${project.basedir}", readonly = true, required = true)
    File basedir;

    @Parameter(defaultValue = "${project.build.directory}/bulwark", property = "bulwark.outputDirectory")
    File outputDirectory;

    /** Where the migrations are: {@code filesystem:<dir>} (relative to the base directory) or {@code classpath:<dir>}. */
    @Parameter(property = "bulwark.locations")
    List<String> locations;

    /** bulwark, flyway, golang-migrate, dbmate, prisma, drizzle, alembic, diesel or goose; detected when unset. */
    @Parameter(property = "bulwark.format")
    String format;

    /** The database: a JDBC or {@code postgresql://} URL. Unset: {@code [database] url} of bulwark.toml. */
    @Parameter(property = "bulwark.url")
    String url;

    @Parameter(property = "bulwark.user")
    String user;

    /** Prefer a URL without the password and {@code PGPASSWORD}, or a server entry in settings.xml. */
    @Parameter(property = "bulwark.password")
    String password;

    @Parameter(property = "bulwark.skip", defaultValue = "false")
    boolean skip;

    FluentConfiguration configuration() throws MojoExecutionException {
        Path base = basedir.toPath();
        FluentConfiguration c = Bulwark.configure(getClass().getClassLoader()).projectDirectory(base)
                .eventListener(this::log);
        if (locations != null && !locations.isEmpty()) {
            c.locations(locations.toArray(String[]::new));
        } else if (!Files.isRegularFile(base.resolve("bulwark.toml"))) {
            c.locations(DEFAULT_LOCATION);
        }
        if (format != null && !format.isBlank()) {
            try {
                c.format(MigrationFormat.valueOf(format.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new MojoExecutionException("bulwark format '" + format + "' is unknown: use bulwark, flyway, golang-migrate, dbmate, prisma, drizzle, alembic, diesel or goose");
            }
        }
        if (url != null && !url.isBlank()) {
            c.dataSource(url, user, password);
        }
        return c;
    }

    Bulwark load() throws MojoExecutionException {
        try {
            return configuration().load();
        } catch (BulwarkFailure e) {
            throw new MojoExecutionException(e.describe(), e);
        }
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("bulwark: skipped (bulwark.skip)");
            return;
        }
        try {
            run();
        } catch (BulwarkFailure e) {
            throw new MojoExecutionException("bulwark: " + e.describe(), e);
        }
    }

    abstract void run() throws MojoExecutionException, MojoFailureException;

    private void log(BulwarkEvent event) {
        if (event instanceof BulwarkEvent.Progress p) {
            getLog().info(p.message());
        } else if (event instanceof BulwarkEvent.Warning w) {
            getLog().warn(w.message());
        } else if (event instanceof BulwarkEvent.MigrationApplied a) {
            getLog().info("applied " + a.id() + " " + a.description() + " in " + a.duration().toMillis() + " ms");
        } else if (event instanceof BulwarkEvent.MigrationReverted r) {
            getLog().info("reverted " + r.id() + " " + r.description());
        }
    }

    Path write(String name, String content) throws MojoExecutionException {
        Path out = outputDirectory.toPath().resolve(name);
        try {
            Files.createDirectories(out.getParent());
            Files.writeString(out, content);
            return out;
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }
}
