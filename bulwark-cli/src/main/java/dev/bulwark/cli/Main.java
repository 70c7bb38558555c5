package dev.bulwark.cli;

import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** The only place that calls {@code System.exit}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        Path workingDir = Path.of("").toAbsolutePath();
        MaskedOutput.rememberSecrets(args, env, workingDir);
        // the library's log lines (slf4j-simple writes to System.err) pass the same masking layer
        PrintStream stdout = MaskedOutput.wrap(System.out);
        PrintStream stderr = MaskedOutput.wrap(System.err);
        System.setOut(stdout);
        System.setErr(stderr);
        PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        int code = run(args, out, err, env, workingDir);
        stdout.flush();
        stderr.flush();
        System.exit(code);
    }

    /**
     * Runs one command line; tests call this with their own writers, environment and working
     * folder. Whatever is written to {@code out} and {@code err} is masked ({@link MaskedOutput}).
     */
    public static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr, Map<String, String> env, Path workingDir) {
        MaskedOutput.rememberSecrets(args, env, workingDir);
        PrintWriter out = MaskedOutput.wrap(rawOut);
        PrintWriter err = MaskedOutput.wrap(rawErr);
        try {
            CommandLine cl = commandLine(out, err, env, workingDir, java.util.Arrays.asList(args).contains("--no-color"));
            BulwarkCommand root = cl.getCommand();
            try {
                return cl.execute(args);
            } catch (Throwable t) { // an Error (OutOfMemoryError, StackOverflowError) passes picocli's handler
                return ErrorHandler.internal(t, err, root.stacktrace);
            }
        } finally {
            out.flush();
            err.flush();
        }
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
        cl.setExitCodeExceptionMapper(e -> ExitCodes.INTERNAL);
        return cl;
    }
}
