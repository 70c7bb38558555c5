package dev.bulwark.fingerprint;

import java.time.Instant;
import java.util.List;

/**
 * Row counts and fingerprints of every table, taken by {@link Fingerprinter} and written by
 * {@code verify --snapshot}; {@code verify --compare} checks a database against it.
 *
 * @param format        file format version
 * @param serverVersion {@code server_version} of the database it was taken on
 * @param takenAt       when (migrations applied later are the ones whose changes are expected)
 * @param knownAnswer   the row hash of a fixed text on that server: a comparison on a server
 *                      whose hash function differs would report every row changed, so it refuses
 * @param algorithm     how rows were hashed
 */
public record DataSnapshot(int format, String serverVersion, Instant takenAt, String knownAnswer, String algorithm,
                           List<TableFingerprint> tables) {
    public static final int FORMAT = 1;

    public DataSnapshot {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }
}
