package dev.bulwark.cli;

import dev.bulwark.BulwarkException;

/** {@code --phase expand|contract} of migrate and deploy. */
final class PhaseOption {
    private PhaseOption() {
    }

    /** True for {@code contract}; false for {@code expand}; a usage error for anything else. */
    static boolean contract(String phase) {
        return switch (phase == null ? "expand" : phase.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "expand" -> false;
            case "contract" -> true;
            default -> throw BulwarkException.usage("--phase " + phase + " is not a phase", "use --phase expand (the default)"
                    + " or --phase contract");
        };
    }
}
