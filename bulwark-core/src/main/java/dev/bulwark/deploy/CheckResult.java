package dev.bulwark.deploy;

import java.util.List;
import java.util.Locale;

/**
 * One preflight check's result.
 *
 * @param id        stable kebab-case id ({@code long-running-queries})
 * @param outcome   pass, warn or fail
 * @param measured  the measured value ("2 sessions, oldest 7min 3s")
 * @param threshold the limit it was held against ("5min"), or null when there is none
 * @param message   what was found, one line
 * @param fix       what to do about it, or null when it passed
 */
public record CheckResult(String id, Outcome outcome, String measured, String threshold, String message, String fix) {
    public enum Outcome {
        PASS, WARN, FAIL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static CheckResult pass(String id, String measured, String threshold, String message) {
        return new CheckResult(id, Outcome.PASS, measured, threshold, message, null);
    }

    /** All checks, in order, with the worst outcome. */
    public record Report(List<CheckResult> checks) {
        public Report {
            checks = List.copyOf(checks);
        }

        public Outcome worst() {
            return checks.stream().map(CheckResult::outcome).max(Enum::compareTo).orElse(Outcome.PASS);
        }

        public long count(Outcome o) {
            return checks.stream().filter(c -> c.outcome() == o).count();
        }
    }
}
