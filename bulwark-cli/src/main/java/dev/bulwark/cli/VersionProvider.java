package dev.bulwark.cli;

import picocli.CommandLine;

import java.io.InputStream;
import java.util.Properties;

final class VersionProvider implements CommandLine.IVersionProvider {
    /** Bulwark's version, for manifests and reports. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/bulwark/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            return "dev";
        }
        return p.getProperty("bulwark.version", "dev");
    }

    @Override
    public String[] getVersion() throws Exception {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/dev/bulwark/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[]{"bulwark " + p.getProperty("bulwark.version", "dev")
                + " (embedded PostgreSQL " + p.getProperty("postgres.version", "?") + ", Java " + System.getProperty("java.version") + ")"};
    }
}
