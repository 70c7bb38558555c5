package dev.bulwark.maven;

import dev.bulwark.api.MigrationInfo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;

/** Prints every migration's state on {@code bulwark.url}. */
@Mojo(name = "status", threadSafe = true)
public class StatusMojo extends AbstractBulwarkMojo {
    @Override
    void run() throws MojoExecutionException {
        for (MigrationInfo m : load().status()) {
            getLog().info(String.format("%-16s %-14s %s%s", m.id(), m.state(), m.description(), m.detail() == null ? "" : " (" + m.detail() + ")"));
        }
    }
}
