package dev.bulwark.cli;

import java.util.Map;

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org), --no-color or TERM=dumb. */
final class Color {
    private Color() {
    }

    static boolean enabled(Map<String, String> env, boolean noColorOption) {
        return !noColorOption && System.console() != null && !env.containsKey("NO_COLOR") && !"dumb".equals(env.get("TERM"));
    }
}
