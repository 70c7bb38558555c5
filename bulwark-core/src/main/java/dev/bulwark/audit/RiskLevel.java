package dev.bulwark.audit;

import java.util.Locale;

/** How urgent a problem is, worst first (so a natural sort puts critical first). */
public enum RiskLevel {
    CRITICAL, HIGH, MEDIUM, LOW;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean worseThan(RiskLevel o) {
        return compareTo(o) < 0;
    }

    public static RiskLevel worst(RiskLevel a, RiskLevel b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * The level of impact × probability, each 1 (minor / possible) to 3 (severe / certain), the
     * risk matrix of the hand-written audits: severe and at least likely (6, 9) is critical; severe
     * but rare (3) or serious and likely (4) is high; serious but rare (2) is medium; minor is low.
     */
    public static RiskLevel of(int impact, int probability) {
        int score = impact * probability;
        if (score >= 6) {
            return CRITICAL;
        }
        if (score >= 3) {
            return HIGH;
        }
        if (score >= 2) {
            return MEDIUM;
        }
        return LOW;
    }
}
