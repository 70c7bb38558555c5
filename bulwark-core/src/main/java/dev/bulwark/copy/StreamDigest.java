package dev.bulwark.copy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Digests of COPY streams per key chunk ({@link CountingStream#chunks()}): stored as text with
 * each copied unit, and compared with a digest of the same rows read back from the target.
 */
final class StreamDigest {
    private StreamDigest() {
    }

    /** A chunk whose rows differ: {@code index} is null for a table without an integer key. */
    record Difference(Long index, long sourceRows, long targetRows) {
    }

    /** {@code 0:100000:-42,1:99999:17}: chunk, rows, hash sum. */
    static String encode(Map<Long, long[]> chunks) {
        StringBuilder s = new StringBuilder();
        chunks.forEach((i, c) -> s.append(s.length() == 0 ? "" : ",").append(i).append(':').append(c[0]).append(':').append(c[1]));
        return s.toString();
    }

    static TreeMap<Long, long[]> decode(String text) {
        TreeMap<Long, long[]> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",")) {
            String[] f = part.split(":");
            out.put(Long.parseLong(f[0]), new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return out;
    }

    /** Merges unit digests into one per table (chunks of two ranges never overlap, but adding is right anyway). */
    static void addInto(Map<Long, long[]> total, Map<Long, long[]> part) {
        part.forEach((i, c) -> {
            long[] t = total.computeIfAbsent(i, x -> new long[2]);
            t[0] += c[0];
            t[1] += c[1];
        });
    }

    static List<Difference> compare(Map<Long, long[]> source, Map<Long, long[]> target) {
        List<Difference> out = new ArrayList<>();
        TreeSet<Long> all = new TreeSet<>(source.keySet());
        all.addAll(target.keySet());
        for (Long i : all) {
            long[] a = source.getOrDefault(i, new long[2]);
            long[] b = target.getOrDefault(i, new long[2]);
            if (a[0] != b[0] || a[1] != b[1]) {
                out.add(new Difference(i, a[0], b[0]));
            }
        }
        return out;
    }
}
