package dev.bulwark.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the CLI in-process with captured output. */
record Cli(int exit, String out, String err) {
    static Cli run(Path workingDir, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), env, workingDir);
        return new Cli(code, out.toString(), err.toString());
    }

    static Cli run(Path workingDir, String... args) {
        return run(workingDir, Map.of("HOME", workingDir.toString()), args);
    }

    String all() {
        return out + err;
    }
}
