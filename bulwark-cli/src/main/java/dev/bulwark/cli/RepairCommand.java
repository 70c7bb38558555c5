package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.BulwarkException;
import dev.bulwark.execute.Migrator.RepairAction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"Mark failed migrations resolved and accept edited files.",
                "For after a human repaired the database: failed entries are marked repaired (the next migrate resumes"
                        + " at the failed statement; what stayed applied never runs twice) and edited files are accepted"
                        + " (their new checksums recorded). Shows what it will change and asks, unless --yes."})
final class RepairCommand extends StatementCommand {
    @Option(names = {"-y", "--yes"}, description = "Do it without asking.")
    boolean yes;

    @Override
    int run(Bulwark b) {
        List<RepairAction> actions = b.planRepair();
        if (actions.isEmpty()) {
            out().println("Nothing to repair: no failed or edited migrations.");
            return ExitCodes.OK;
        }
        out().println("Repair would change " + b.targetDescription() + ":");
        for (RepairAction a : actions) {
            out().println("  " + a.id() + " " + a.description() + ": " + a.what());
        }
        out().flush();
        if (!yes) {
            if (System.console() == null) {
                throw BulwarkException.usage("repair needs confirmation and there is no terminal to ask",
                        "run 'bulwark repair --yes' after reading the list above");
            }
            out().print("Apply these changes? [y/N] ");
            out().flush();
            String answer;
            try {
                answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                out().println("Nothing was changed.");
                return ExitCodes.OK;
            }
        }
        b.repair(actions);
        out().println("Repaired " + actions.size() + " entr" + (actions.size() == 1 ? "y." : "ies."));
        return ExitCodes.OK;
    }
}
