package dev.bulwark.fingerprint;

import dev.bulwark.catalog.TableRef;

import java.util.List;

/**
 * One table's content, summarized: row count and an order-independent hash, overall and per
 * chunk of primary-key values.
 *
 * @param columns     the columns hashed, in order: a later comparison hashes these same columns,
 *                    so a column added afterwards does not change the fingerprint
 * @param chunking    how the rows are split into primary-key ranges, or null when the table is
 *                    fingerprinted whole (no single-column primary key, or empty when taken)
 * @param rows        row count
 * @param hash        sum of the row hashes modulo 2⁶⁴, as 16 hex digits
 * @param chunks      non-empty chunks by index
 */
public record TableFingerprint(TableRef table, List<String> columns, Chunking chunking, long rows, String hash,
                               List<Chunk> chunks) {
    public TableFingerprint {
        columns = List.copyOf(columns);
        chunks = List.copyOf(chunks);
    }

    /** @param index chunk number; its key range is {@link Chunking#low}/{@link Chunking#high} */
    public record Chunk(long index, long rows, String hash) {
    }
}
