package dev.bulwark.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code db}, {@code backup}, {@code replicate}): run alone, it prints its usage. */
abstract class CommandGroup implements Runnable {
    @ParentCommand
    BulwarkCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
