package dev.bulwark.cli.options;

import dev.bulwark.execute.Migrator.StepDecision;
import dev.bulwark.execute.Migrator.UncertainStepResolver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a resume does with a statement a killed run was executing, when the catalog cannot show
 * whether it took effect (a statement that runs outside a transaction and has no catalog check).
 * Without an option, a terminal is asked; elsewhere the run stops and names both options.
 */
public final class ResumeOptions {
    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--step-done", description = "On a resume: the statement the killed run was executing took effect;"
                + " record it as done without running it again (only asked where the catalog cannot tell).")
        boolean done;

        @Option(names = "--rerun-step", description = "On a resume: the statement the killed run was executing did not take effect;"
                + " run it again (only asked where the catalog cannot tell).")
        boolean rerun;
    }

    /** The decision the options give, once; then a terminal prompt if there is one; else none (the run stops). */
    public UncertainStepResolver resolver(PrintWriter out) {
        boolean[] used = {false};
        return step -> {
            if (choice != null && !used[0]) {
                used[0] = true;
                return choice.done ? StepDecision.DONE : StepDecision.RERUN;
            }
            if (System.console() == null) {
                return null;
            }
            out.println(step.migrationId() + " " + step.description() + ": statement " + (step.statement() + 1) + " of "
                    + step.statements() + " (" + step.position() + ") was running when an earlier run was killed;");
            out.println("whether it took effect cannot be read from the catalog (" + step.reason() + "):");
            out.println("  " + step.sql().replaceAll("\\s+", " ").trim());
            out.print("Did it take effect? [d]one: record it and go on / [r]erun: run it again / anything else: stop ");
            out.flush();
            String answer;
            try {
                answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                answer = null;
            }
            String a = answer == null ? "" : answer.trim().toLowerCase(Locale.ROOT);
            return a.startsWith("d") ? StepDecision.DONE : a.startsWith("r") ? StepDecision.RERUN : null;
        };
    }
}
