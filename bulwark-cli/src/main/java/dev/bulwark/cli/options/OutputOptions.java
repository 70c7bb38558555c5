package dev.bulwark.cli.options;

import dev.bulwark.BulwarkException;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * {@code -o/--output text|json} for the commands that report something and have no other format. Commands with
 * more formats (lint, verify, test, audit) declare their own {@code -o/--output} with the same names.
 */
public final class OutputOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: text or json (default: ${DEFAULT-VALUE}). JSON goes to standard output alone;"
                    + " progress goes to standard error.")
    public String output = "text";

    /** True for {@code -o json}; a usage error for anything but text or json. */
    public boolean json() {
        return switch (output.toLowerCase(Locale.ROOT)) {
            case "json" -> true;
            case "text" -> false;
            default -> throw BulwarkException.usage("--output " + output + " is not an output format of this command",
                    "use -o text or -o json");
        };
    }
}
