package dev.bulwark.backup;

import dev.bulwark.fingerprint.DataSnapshot;

import java.time.Instant;

/**
 * What a backup holds, written as JSON beside it ({@code <name>.json}) once the dump is complete:
 * a dump without a manifest is an interrupted one. Row counts and fingerprints were taken in the
 * same snapshot as the dump ({@code pg_dump --snapshot}), so a restore must match them exactly.
 *
 * @param format           manifest format version
 * @param file             the dump's file (or folder) name, beside the manifest
 * @param dumpFormat       {@code custom} (one file) or {@code directory} ({@code --jobs})
 * @param database         the database dumped
 * @param server           the server, password masked
 * @param serverVersion    {@code server_version}
 * @param migrationVersion the migration version the database was at, or null for none
 * @param createdAt        when the dump's snapshot was taken
 * @param createdBy        {@code user@host} that ran the backup
 * @param toolVersion      Bulwark's version
 * @param pgDump           the pg_dump that wrote it ({@code 15.18})
 * @param encryption       null, or {@code AES-256-GCM} with how the key was given
 * @param bytes            size of the stored file(s)
 * @param sha256           SHA-256 of the stored bytes (after encryption); for a folder, of its
 *                         sorted {@code name sha256} lines
 * @param data             row counts and fingerprints of every table
 * @param verification     the last verification, or null when never verified
 */
public record BackupManifest(int format, String file, String dumpFormat, String database, String server,
                             String serverVersion, String migrationVersion, Instant createdAt, String createdBy,
                             String toolVersion, String pgDump, String encryption, long bytes, String sha256,
                             DataSnapshot data, Verification verification) {
    public static final int FORMAT = 1;

    /**
     * @param level  {@code checksum}, {@code list} (checksum and {@code pg_restore --list}) or
     *               {@code drill} (restored into a scratch database and compared)
     * @param ok     whether it passed
     * @param detail what was found
     */
    public record Verification(Instant at, String level, boolean ok, String detail) {
    }

    public boolean encrypted() {
        return encryption != null;
    }

    public long rows() {
        return data == null ? 0 : data.tables().stream().mapToLong(t -> t.rows()).sum();
    }

    public BackupManifest withVerification(Verification v) {
        return new BackupManifest(format, file, dumpFormat, database, server, serverVersion, migrationVersion, createdAt,
                createdBy, toolVersion, pgDump, encryption, bytes, sha256, data, v);
    }
}
