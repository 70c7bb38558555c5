package dev.bulwark.cli;

import dev.bulwark.pg.Masking;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one masking layer at the output boundary: every byte the CLI writes (picocli's out and err
 * writers, which every renderer, the help, parser errors and the error handler use; and
 * {@code System.out}/{@code System.err}, where the library's log lines go) passes through
 * {@link Masking#mask(String)} a whole line at a time, so a secret split over two writes is still
 * seen whole. {@link #rememberSecrets} feeds it, before the command line is even parsed, with the
 * secrets the run was given; passwords resolved later (the password file, the configuration's
 * URL) are remembered when their connection is built.
 */
final class MaskedOutput {
    private static final Pattern URL_PASSWORD = Pattern.compile("://[^\\s:/?#@'\"]*:([^\\s'\"]+)@");
    private static final Pattern CONFIG_SECRET = Pattern.compile(
            "(?im)^\\s*[A-Za-z0-9_.-]*(?:password|passwd|secret|token|notify_url)\\s*=\\s*[\"']([^\"']+)[\"']");
    private static final Pattern SECRET_VARIABLE = Pattern.compile("(?i).*(?:PASSWORD|PASSWD|SECRET|TOKEN|_KEY)$");

    private MaskedOutput() {
    }

    /**
     * Remembers the secrets this run was handed: passwords in URLs on the command line, in
     * DATABASE_URL and in bulwark.toml, PGPASSWORD and any variable named like a secret
     * (…PASSWORD, …SECRET, …TOKEN, …_KEY such as BULWARK_BACKUP_KEY), and the secret-named values
     * of bulwark.toml (…password, …secret, …token, notify_url).
     */
    static void rememberSecrets(String[] args, Map<String, String> env, Path workingDir) {
        for (String a : args) {
            urlPasswords(a);
        }
        env.forEach((name, value) -> {
            if (name.equals("DATABASE_URL")) {
                urlPasswords(value);
            } else if (SECRET_VARIABLE.matcher(name).matches() && !name.equals("PGSSLKEY")) {
                Masking.remember(value);
            }
        });
        for (Path config : List.of(workingDir.resolve("bulwark.toml"))) {
            try {
                if (Files.isRegularFile(config)) {
                    String text = Files.readString(config, StandardCharsets.UTF_8);
                    urlPasswords(text);
                    Matcher m = CONFIG_SECRET.matcher(text);
                    while (m.find()) {
                        if (!m.group(1).startsWith("${")) {
                            Masking.remember(m.group(1));
                        }
                    }
                }
            } catch (IOException | RuntimeException unreadable) {
                // the command itself reports an unreadable configuration
            }
        }
    }

    private static void urlPasswords(String text) {
        if (text == null) {
            return;
        }
        Matcher m = URL_PASSWORD.matcher(text);
        while (m.find()) {
            String pw = m.group(1);
            if (pw.startsWith("${")) {
                continue;
            }
            Masking.remember(pw);
            try {
                Masking.remember(java.net.URLDecoder.decode(pw, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException notEncoded) {
                // as given
            }
        }
    }

    /** A writer that masks {@code target}'s text line by line. */
    static PrintWriter wrap(PrintWriter target) {
        return new PrintWriter(new MaskingWriter(target), true);
    }

    /** A stream that masks {@code target}'s text line by line (UTF-8). */
    static PrintStream wrap(PrintStream target) {
        return new PrintStream(new MaskingStream(target), true, StandardCharsets.UTF_8);
    }

    /** Buffers up to a line end (or a flush), then writes the masked line. */
    static final class MaskingWriter extends Writer {
        private final Writer target;
        private final StringBuilder line = new StringBuilder();

        MaskingWriter(Writer target) {
            this.target = target;
        }

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            synchronized (lock) {
                for (int i = off; i < off + len; i++) {
                    line.append(chars[i]);
                    if (chars[i] == '\n') {
                        emit();
                    }
                }
            }
        }

        private void emit() throws IOException {
            if (line.length() > 0) {
                target.write(Masking.mask(line.toString()));
                line.setLength(0);
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (lock) {
                emit();
                target.flush();
            }
        }

        @Override
        public void close() throws IOException {
            flush();
            target.close();
        }
    }

    /** The same for bytes: decoded as UTF-8 a line at a time. */
    static final class MaskingStream extends OutputStream {
        private final OutputStream target;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        MaskingStream(OutputStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            line.write(b);
            if (b == '\n') {
                emit();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void emit() throws IOException {
            if (line.size() > 0) {
                target.write(Masking.mask(line.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                line.reset();
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            emit();
            target.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
