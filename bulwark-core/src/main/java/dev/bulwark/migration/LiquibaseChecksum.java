package dev.bulwark.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * The checksum Liquibase 4.33 stores in {@code DATABASECHANGELOG.MD5SUM} (checksum version 9) for a
 * changeset made of SQL ({@code sql} in formatted SQL, an {@code <sql>} or {@code <sqlFile>} change):
 * <ol>
 *   <li>each change: MD5 of its SQL's UTF-8 bytes with every space, tab, CR and LF removed
 *       ({@code AbstractSQLChange.NormalizingStream}), written {@code 9:<hex>};</li>
 *   <li>the changeset: MD5 of the changes' checksums each followed by {@code ':'}, NFC-normalized
 *       ({@code ChangeSet.generateCheckSum}, {@code CheckSum.compute(String)}), written {@code 9:<hex>}.</li>
 * </ol>
 * The round-trip test checks this against the real library.
 */
public final class LiquibaseChecksum {
    private LiquibaseChecksum() {
    }

    /** The checksum of one SQL change: its text without whitespace. */
    public static String ofSqlChange(String sql) {
        StringBuilder kept = new StringBuilder(sql.length());
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                kept.append(c);
            }
        }
        return "9:" + md5(kept.toString());
    }

    /** The changeset's checksum from its changes' checksums ({@code 9:<hex>} each), in order. */
    public static String ofChangeSet(java.util.List<String> changeChecksums) {
        StringBuilder s = new StringBuilder();
        for (String c : changeChecksums) {
            s.append(c).append(':');
        }
        String standardized = s.toString().replace("\r\n", "\n").replace('\r', '\n').replace("\uFFFD", "");
        return "9:" + md5(Normalizer.normalize(standardized, Normalizer.Form.NFC));
    }

    /** A changeset of one SQL change (formatted SQL). */
    public static String ofSqlChangeSet(String sql) {
        return ofChangeSet(java.util.List.of(ofSqlChange(sql)));
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java runtime", e);
        }
    }
}
