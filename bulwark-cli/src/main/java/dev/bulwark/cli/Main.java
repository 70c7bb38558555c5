package dev.bulwark.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The only place that calls {@code System.exit}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(run(args, out, err, System.getenv(), Path.of("").toAbsolutePath()));
    }

    /** Runs one command line; tests call this with their own writers, environment and working folder. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env, Path workingDir) {
        CommandLine cl = commandLine(out, err, env, workingDir, java.util.Arrays.asList(args).contains("--no-color"));
        return cl.execute(args);
    }

    /** The command tree with Bulwark's handlers; help is laid out at the terminal's width, in colour only on a terminal. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, Map<String, String> env, Path workingDir, boolean noColor) {
        BulwarkCommand root = new BulwarkCommand(env, workingDir);
        CommandLine cl = new CommandLine(root);
        cl.setUsageHelpAutoWidth(true);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                Color.enabled(env, noColor) ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorHandler(root));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCodes.USAGE;
        });
        cl.setExitCodeExceptionMapper(e -> ExitCodes.DATABASE);
        return cl;
    }
}
