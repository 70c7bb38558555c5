package dev.bulwark.copy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Passes a COPY stream through and counts its bytes and rows as they go, for live progress:
 * in text format a row ends at each newline (newlines inside values are escaped); in binary
 * format rows are walked by their field lengths, never by looking at values.
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
    private long rows;
    private long bytes;
    private long unreportedRows;
    private long unreportedBytes;

    // binary walk: bytes still to skip, and a partly read length word
    private long skip = BINARY_HEADER;
    private int pendingBytes;
    private int pendingValue;
    private boolean readingFieldCount = true;
    private int fieldsLeft;

    CountingStream(OutputStream out, boolean binary, Sink sink) {
        super(out);
        this.binary = binary;
        this.sink = sink;
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
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    rows++;
                }
            }
        }
        bytes += len;
        unreportedRows += rows - before;
        unreportedBytes += len;
        if (unreportedBytes >= REPORT_BYTES) {
            report();
        }
    }

    private void walkBinary(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (skip > 0) {
                long n = Math.min(skip, end - i);
                skip -= n;
                i += (int) n;
                continue;
            }
            int width = readingFieldCount ? 2 : 4;
            pendingValue = (pendingValue << 8) | (b[i++] & 0xff);
            if (++pendingBytes < width) {
                continue;
            }
            int value = readingFieldCount ? (short) pendingValue : pendingValue;
            pendingBytes = 0;
            pendingValue = 0;
            if (readingFieldCount) {
                if (value < 0) { // the trailer: -1
                    skip = Long.MAX_VALUE;
                    continue;
                }
                rows++;
                fieldsLeft = value;
                readingFieldCount = fieldsLeft == 0;
            } else {
                if (value > 0) {
                    skip = value; // -1 is NULL: no data follows
                }
                readingFieldCount = --fieldsLeft == 0;
            }
        }
    }

    long rows() {
        return rows;
    }

    long bytes() {
        return bytes;
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
