package dev.bulwark.fingerprint;

import java.math.BigInteger;
import java.util.List;

/**
 * How a table's rows are split into primary-key ranges, fixed when the snapshot is taken and
 * reused by the comparison so both sides group rows the same way.
 * <ul>
 *   <li>an integer key: arithmetic ranges {@code origin + i × width …}, no extra scan;</li>
 *   <li>any other single-column key (uuid, text, timestamps…): the ranges between
 *       {@code boundaries}, every n-th key in key order, found with {@code width_bucket}.</li>
 * </ul>
 *
 * @param column     the primary-key column
 * @param type       its type as {@code format_type} prints it
 * @param origin     integer keys: first key of chunk 0; else null
 * @param width      integer keys: keys per chunk; else null
 * @param boundaries other keys: the first key of chunks 1, 2, … as text (chunk 0 holds keys below
 *                   the first boundary, added later); empty for integer keys
 */
public record Chunking(String column, String type, Long origin, Long width, List<String> boundaries) {
    public Chunking {
        boundaries = boundaries == null ? List.of() : List.copyOf(boundaries);
    }

    public boolean arithmetic() {
        return origin != null && width != null;
    }

    /** First key of chunk {@code index}, or null when the range is open below. */
    public String low(long index) {
        if (arithmetic()) {
            return BigInteger.valueOf(origin).add(BigInteger.valueOf(index).multiply(BigInteger.valueOf(width))).toString();
        }
        return index >= 1 && index <= boundaries.size() ? boundaries.get((int) index - 1) : null;
    }

    /** Last key of chunk {@code index} (arithmetic), or the first key after it (boundaries; null when open above). */
    public String high(long index) {
        if (arithmetic()) {
            return new BigInteger(low(index)).add(BigInteger.valueOf(width - 1)).toString();
        }
        return index < boundaries.size() ? boundaries.get((int) index) : null;
    }

    /** Whether {@link #high} is the first key of the next range rather than the last of this one. */
    public boolean highExclusive() {
        return !arithmetic();
    }
}
