package dev.bulwark;

/** Where the engine reports progress; the CLI prints it, the library's callers may log it. */
public interface Listener {
    void info(String line);

    void warn(String line);

    Listener SILENT = new Listener() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };
}
