package dev.bulwark.migration;

import dev.bulwark.BulwarkException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A migration file's text, decoded strictly as UTF-8, with the offsets of its lines so that the
 * readers can cut sections and say on which line each begins.
 *
 * <p>Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}: the same rule as
 * {@link java.io.BufferedReader#readLine()}, which is what Flyway's checksum counts with.
 */
final class SourceFile {
    static final char BOM = '\uFEFF';

    private final Path path;
    private final String text;
    private final int[] lineStarts;

    private SourceFile(Path path, String text) {
        this.path = path;
        this.text = text;
        this.lineStarts = lineStarts(text);
    }

    /** Reads a file, refusing anything that is not valid UTF-8 rather than guessing. */
    static SourceFile read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw BulwarkException.usage(path + " does not exist", "check the path, or create the file");
        } catch (AccessDeniedException e) {
            throw BulwarkException.usage("cannot read " + path + ": permission denied",
                    "make the file readable by the user running bulwark");
        } catch (IOException e) {
            throw BulwarkException.usage("cannot read " + path + ": " + e.getMessage(),
                    "check that the file is readable");
        }
        return new SourceFile(path, decode(path, bytes));
    }

    /** For text already in memory (tests, and files just written by the scaffold). */
    static SourceFile of(Path path, String text) {
        return new SourceFile(path, text);
    }

    private static String decode(Path path, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more UTF-16 units than it has bytes
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw BulwarkException.usage(
                    path + ":" + line + ": not valid UTF-8 (byte " + at + " of the file)",
                    "save the file as UTF-8; migration tools and PostgreSQL read it as UTF-8");
        }
        out.flip();
        return out.toString();
    }

    private static int[] lineStarts(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                if (i + 1 < text.length()) {
                    starts.add(i + 1);
                }
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    Path path() {
        return path;
    }

    /** The whole file, byte order mark included: what the other tools' checksums are computed over. */
    String text() {
        return text;
    }

    int lineCount() {
        return text.isEmpty() ? 0 : lineStarts.length;
    }

    /** Offset of the first character of a 1-based line; one past the last line is the end of the text. */
    int lineStart(int line) {
        if (line < 1) {
            throw new IllegalArgumentException("line " + line);
        }
        if (line > lineCount()) {
            return text.length();
        }
        int start = lineStarts[line - 1];
        // the byte order mark is an encoding artefact, not part of the first line
        return line == 1 && text.startsWith(String.valueOf(BOM)) ? 1 : start;
    }

    /** The content of a 1-based line, without its terminator. */
    String line(int line) {
        int start = lineStart(line);
        int end = line >= lineCount() ? text.length() : lineStarts[line];
        while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(start, end);
    }

    /** The text from the start of {@code fromLine} up to the start of {@code toLineExclusive}. */
    String lines(int fromLine, int toLineExclusive) {
        return text.substring(lineStart(fromLine), lineStart(toLineExclusive));
    }

    /** The section as a script starting at {@code fromLine}; the SQL never carries the byte order mark. */
    Script script(int fromLine, int toLineExclusive) {
        return new Script(lines(fromLine, toLineExclusive), path, fromLine);
    }

    /** The whole file as one script. */
    Script wholeScript() {
        return script(1, lineCount() + 1);
    }
}
