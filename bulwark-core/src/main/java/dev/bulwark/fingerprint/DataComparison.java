package dev.bulwark.fingerprint;

/** Placeholder replaced by the comparison model. */
public record DataComparison() {
}
