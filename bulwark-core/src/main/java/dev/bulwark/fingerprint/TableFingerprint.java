package dev.bulwark.fingerprint;

import dev.bulwark.catalog.TableRef;

import java.util.List;

/**
 * One table's content, summarized: row count and an order-independent hash, overall and per
 * chunk of primary-key values.
 *
 * @param columns     the columns hashed, in order: a later comparison hashes these same columns,
 *                    so a column added afterwards does not change the fingerprint
 * @param chunkColumn the single integer primary-key column the chunks are ranges of, or null
 *                    when the table is fingerprinted whole
 * @param chunkOrigin first value of chunk 0
 * @param chunkWidth  key values per chunk
 * @param rows        row count
 * @param hash        sum of the row hashes modulo 2⁶⁴, as 16 hex digits
 * @param chunks      non-empty chunks by index
 */
public record TableFingerprint(TableRef table, List<String> columns, String chunkColumn, Long chunkOrigin,
                               Long chunkWidth, long rows, String hash, List<Chunk> chunks) {
    public TableFingerprint {
        columns = List.copyOf(columns);
        chunks = List.copyOf(chunks);
    }

    /**
     * @param index chunk number; keys {@code origin + index × width} to {@code origin + (index+1) × width − 1}
     * @param low   first key of the range
     * @param high  last key of the range
     */
    public record Chunk(long index, String low, String high, long rows, String hash) {
    }
}
