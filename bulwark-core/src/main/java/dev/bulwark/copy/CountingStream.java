package dev.bulwark.copy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * Passes a COPY stream through and, as it goes, counts its bytes and rows (for live progress)
 * and digests its rows (for verification): per chunk of key values, the row count and the sum
 * modulo 2⁶⁴ of a 64-bit hash of each row's bytes. A sum, so row order does not matter and two
 * equal rows do not cancel. Reading the same rows back from the target through another
 * instance must give the same digest; the server renders them, this class only hashes bytes.
 * <p>
 * In text format a row ends at each newline (newlines inside values are escaped); in binary
 * format rows are walked by their field lengths. The key, when given, is an integer column:
 * its text digits, or its 2/4/8-byte big-endian binary value.
 */
final class CountingStream extends FilterOutputStream {
    /** Receives increments at most every {@link #REPORT_BYTES} bytes and at the end. */
    interface Sink {
        void add(long rows, long bytes);
    }

    private static final int REPORT_BYTES = 1 << 20;
    private static final int BINARY_HEADER = 11 + 4 + 4; // signature, flags, extension length (extension itself is 0 long)

    private final boolean binary;
    private final Sink sink;
    private final int keyField;
    private final long origin;
    private final long width;
    private final TreeMap<Long, long[]> chunks = new TreeMap<>();
    private long rows;
    private long bytes;
    private long unreportedRows;
    private long unreportedBytes;

    // the row being read
    private final CRC32C crcA = new CRC32C();
    private final CRC32 crcB = new CRC32();
    private boolean inRow;
    private int field;
    private long key;
    private boolean keyNull = true;
    private boolean keyNegative;

    // binary walk: bytes still to skip, a partly read length word
    private long skip = BINARY_HEADER;
    private int pendingBytes;
    private int pendingValue;
    private boolean readingFieldCount = true;
    private int fieldsLeft;
    private boolean trailer;

    /**
     * @param keyField index of the integer key among the streamed columns, or -1 for one chunk
     * @param origin   key of chunk 0's first value; {@code width} key values per chunk
     */
    CountingStream(OutputStream out, boolean binary, Sink sink, int keyField, long origin, long width) {
        super(out);
        this.binary = binary;
        this.sink = sink;
        this.keyField = keyField;
        this.origin = origin;
        this.width = Math.max(1, width);
    }

    CountingStream(OutputStream out, boolean binary, Sink sink) {
        this(out, binary, sink, -1, 0, 1);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        long before = rows;
        if (binary) {
            walkBinary(b, off, len);
        } else {
            walkText(b, off, len);
        }
        bytes += len;
        unreportedRows += rows - before;
        unreportedBytes += len;
        if (unreportedBytes >= REPORT_BYTES) {
            report();
        }
    }

    private void walkText(byte[] b, int off, int len) {
        int end = off + len;
        int segment = off;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            if (c == '\n') {
                hash(b, segment, i - segment);
                segment = i + 1;
                endRow();
            } else {
                inRow = true;
                if (c == '\t') {
                    field++;
                } else if (field == keyField) {
                    if (c == '-') {
                        keyNegative = true;
                    } else if (c >= '0' && c <= '9') {
                        key = key * 10 + (c - '0');
                        keyNull = false;
                    }
                }
            }
        }
        hash(b, segment, end - segment);
    }

    private void walkBinary(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        // a row's bytes (field count to last byte) are hashed in as few slices as the buffers allow
        int rowStart = off;
        while (i < end) {
            if (trailer) {
                return;
            }
            if (skip > 0) {
                int n = (int) Math.min(skip, end - i);
                if (inRow && field == keyField) {
                    for (int k = i; k < i + n; k++) {
                        key = (key << 8) | (b[k] & 0xff);
                    }
                }
                skip -= n;
                i += n;
                if (skip == 0 && inRow && fieldDone()) {
                    hash(b, rowStart, i - rowStart);
                    endRow();
                }
                continue;
            }
            if (!inRow && readingFieldCount && pendingBytes == 0) {
                rowStart = i;
                inRow = true;
            }
            int widthBytes = readingFieldCount ? 2 : 4;
            pendingValue = (pendingValue << 8) | (b[i++] & 0xff);
            if (++pendingBytes < widthBytes) {
                continue;
            }
            int value = readingFieldCount ? (short) pendingValue : pendingValue;
            pendingBytes = 0;
            pendingValue = 0;
            if (readingFieldCount) {
                if (value < 0) {
                    trailer = true;
                    inRow = false;
                    return;
                }
                fieldsLeft = value;
                field = 0;
                if (fieldsLeft == 0) {
                    hash(b, rowStart, i - rowStart);
                    endRow();
                } else {
                    readingFieldCount = false;
                }
            } else if (value > 0) {
                skip = value;
                if (field == keyField) {
                    keyNull = false;
                    key = 0;
                    keySize = value;
                }
            } else if (fieldDone()) { // NULL (-1) or empty: no data follows
                hash(b, rowStart, i - rowStart);
                endRow();
            }
        }
        if (inRow) {
            hash(b, rowStart, end - rowStart); // the rest of this row comes in the next buffer
        }
    }

    private int keySize;

    /** @return whether that was the row's last field */
    private boolean fieldDone() {
        field++;
        if (--fieldsLeft == 0) {
            readingFieldCount = true;
            return true;
        }
        return false;
    }

    private void hash(byte[] b, int off, int len) {
        if (len > 0) {
            crcA.update(b, off, len);
            crcB.update(b, off, len);
        }
    }

    private void endRow() {
        rows++;
        long h = (crcA.getValue() << 32) ^ crcB.getValue();
        long chunk = 0;
        if (keyField >= 0 && !keyNull) {
            long k = key;
            if (binary) {
                // sign-extend a 2- or 4-byte value
                k = keySize == 2 ? (short) k : keySize == 4 ? (int) k : k;
            } else if (keyNegative) {
                k = -k;
            }
            chunk = Math.floorDiv(k - origin, width);
        }
        long[] c = chunks.computeIfAbsent(chunk, x -> new long[2]);
        c[0]++;
        c[1] += h;
        crcA.reset();
        crcB.reset();
        inRow = false;
        field = 0;
        key = 0;
        keyNull = true;
        keyNegative = false;
    }

    long rows() {
        return rows;
    }

    long bytes() {
        return bytes;
    }

    /** Chunk index → {rows, sum of row hashes}. */
    TreeMap<Long, long[]> chunks() {
        return chunks;
    }

    /** Hands the increments since the last report to the sink. */
    void report() {
        if (unreportedBytes > 0 || unreportedRows > 0) {
            sink.add(unreportedRows, unreportedBytes);
            unreportedRows = 0;
            unreportedBytes = 0;
        }
    }

    @Override
    public void close() {
        // the caller owns the underlying COPY stream and ends or cancels it itself
        report();
    }
}
