package dev.bulwark.cli;

import dev.bulwark.cli.options.TimeoutOptions;
import picocli.CommandLine.Mixin;

/** A database command that runs statements (migrate, rollback, test, deploy…): it takes the timeout options. */
abstract class StatementCommand extends DatabaseCommand {
    @Mixin
    TimeoutOptions timeouts;

    @Override
    TimeoutOptions timeouts() {
        return timeouts;
    }
}
