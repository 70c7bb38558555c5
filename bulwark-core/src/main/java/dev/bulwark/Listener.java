package dev.bulwark;

/** Where the engine reports progress; the CLI prints it, the library's callers may log it. */
public interface Listener {
    void info(String line);

    void warn(String line);

    /** Both kinds of line to one consumer (a log, a list in a test). */
    static Listener each(java.util.function.Consumer<String> line) {
        return new Listener() {
            @Override
            public void info(String text) {
                line.accept(text);
            }

            @Override
            public void warn(String text) {
                line.accept(text);
            }
        };
    }

    Listener SILENT = new Listener() {
        @Override
        public void info(String line) {
        }

        @Override
        public void warn(String line) {
        }
    };
}
