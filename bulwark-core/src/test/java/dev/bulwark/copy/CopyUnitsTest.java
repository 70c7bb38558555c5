package dev.bulwark.copy;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.FkLevels;
import dev.bulwark.catalog.TableRef;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopyUnitsTest {
    static final TableRef ORDERS = new TableRef("public", "orders");
    static final TableRef ITEMS = new TableRef("Sales Ünit", "Order \"Items\"");

    @Test
    void patternsMatchBareNamesQualifiedNamesGlobsAndQuotedLiterals() {
        TablePatterns p = new TablePatterns(List.of("orders", "\"Sales Ünit\".\"Order \"\"Items\"\"\"", "audit.*"),
                List.of("audit.log_?"));
        assertThat(p.selects(ORDERS)).isTrue();
        assertThat(p.selects(ITEMS)).isTrue();
        assertThat(p.selects(new TableRef("audit", "events"))).isTrue();
        assertThat(p.selects(new TableRef("audit", "log_1"))).isFalse();
        assertThat(p.selects(new TableRef("public", "Orders"))).as("case-sensitive").isFalse();
        assertThat(new TablePatterns(List.of("\"a*\""), List.of()).selects(new TableRef("public", "ab")))
                .as("a quoted star is literal").isFalse();
        assertThat(TablePatterns.all().selects(ITEMS)).isTrue();
    }

    @Test
    void patternsWithTwoDotsOrAnOpenQuoteAreRefused() {
        assertThatThrownBy(() -> new TablePatterns(List.of("a.b.c"), List.of())).isInstanceOf(BulwarkException.class)
                .hasMessage("table pattern a.b.c has more than one dot");
        assertThatThrownBy(() -> new TablePatterns(List.of("\"open"), List.of())).isInstanceOf(BulwarkException.class)
                .hasMessageContaining("unclosed double quote");
    }

    @Test
    void optionsRefuseBadJobsAndBothOnlies() {
        assertThatThrownBy(() -> CopyOptions.defaults().withJobs(0)).hasMessage("--jobs must be between 1 and 64, was 0");
        assertThatThrownBy(() -> CopyOptions.defaults().withSchemaOnly(true).withDataOnly(true))
                .hasMessage("--schema-only and --data-only exclude each other");
    }

    @Test
    void unitsCoverTheWholeKeyRangeWithOpenEnds() {
        CopyUnit first = new CopyUnit(ORDERS, 0, "id", null, 100L, 0, 3);
        CopyUnit middle = new CopyUnit(ORDERS, 0, "id", 100L, 200L, 1, 3);
        CopyUnit last = new CopyUnit(ORDERS, 0, "id", 200L, null, 2, 3);
        assertThat(first.where()).isEqualTo(" WHERE \"id\" < 100");
        assertThat(middle.where()).isEqualTo(" WHERE \"id\" >= 100 AND \"id\" < 200");
        assertThat(last.where()).isEqualTo(" WHERE \"id\" >= 200");
        assertThat(middle.stateKey()).isEqualTo("data \"public\".\"orders\" 2/3");
        assertThat(CopyUnit.whole(ITEMS, 1).stateKey()).isEqualTo("data \"Sales Ünit\".\"Order \"\"Items\"\"\"");
        assertThat(middle).hasToString("public.orders id 100..199");
    }

    @Test
    void levelsPutReferencedTablesFirstAndACycleOnOneLevel() {
        TableRef a = new TableRef("public", "a");
        TableRef b = new TableRef("public", "b");
        TableRef c = new TableRef("public", "c");
        TableRef d = new TableRef("public", "d");
        TableRef self = new TableRef("public", "self");
        // b <-> c form a cycle referencing a; d references c; self references itself
        Map<TableRef, Integer> levels = FkLevels.of(List.of(a, b, c, d, self), List.of(
                new TableRef[]{b, a}, new TableRef[]{b, c}, new TableRef[]{c, b}, new TableRef[]{d, c},
                new TableRef[]{self, self}, new TableRef[]{d, new TableRef("other", "not copied")}));
        assertThat(levels).containsEntry(a, 0).containsEntry(b, 1).containsEntry(c, 1).containsEntry(d, 2)
                .containsEntry(self, 0);
    }

    @Test
    void binaryStreamRowsAreCountedAcrossArbitraryWriteBoundaries() throws IOException {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.write("PGCOPY\n\377\r\n\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        copy.write(ByteBuffer.allocate(8).putInt(0).putInt(0).array());
        for (int row = 0; row < 1000; row++) {
            ByteBuffer b = ByteBuffer.allocate(2 + 4 + 8 + 4 + 4 + row % 7);
            b.putShort((short) 3).putInt(8).putLong(row).putInt(-1).putInt(row % 7).put(new byte[row % 7]);
            copy.write(b.array());
        }
        copy.write(new byte[]{(byte) 0xff, (byte) 0xff});
        byte[] all = copy.toByteArray();
        for (int step : new int[]{1, 3, 7, 4096, all.length}) {
            AtomicLong rows = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            CountingStream counting = new CountingStream(new ByteArrayOutputStream(), true, (r, b) -> {
                rows.addAndGet(r);
                bytes.addAndGet(b);
            });
            for (int i = 0; i < all.length; i += step) {
                counting.write(all, i, Math.min(step, all.length - i));
            }
            counting.close();
            assertThat(counting.rows()).as("step " + step).isEqualTo(1000);
            assertThat(rows.get()).isEqualTo(1000);
            assertThat(bytes.get()).isEqualTo(all.length);
        }
    }

    @Test
    void textStreamRowsAreItsNewlines() throws IOException {
        CountingStream counting = new CountingStream(new ByteArrayOutputStream(), false, (r, b) -> {
        });
        counting.write("1\ta\\nb\n2\t\\N\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(counting.rows()).isEqualTo(2);
    }

    @Test
    void postDataIsCutIntoEntriesAndForeignKeysAreAddedNotValidFirst() {
        String dump = """
                --
                -- PostgreSQL database dump
                --

                SET statement_timeout = 0;
                SET client_encoding = 'UTF8';
                SELECT pg_catalog.set_config('search_path', '', false);

                --
                -- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
                --

                ALTER TABLE ONLY public.orders
                    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


                --
                -- Name: orders_customer; Type: INDEX; Schema: public; Owner: -
                --

                CREATE INDEX orders_customer ON public.orders USING btree (customer_id);


                --
                -- PostgreSQL database dump complete
                --

                """;
        PostDataScript s = PostDataScript.parse(dump);
        assertThat(s.preamble()).contains("SET statement_timeout = 0;").contains("set_config('search_path', '', false)");
        assertThat(Copier.withoutClientEncoding(s.preamble())).doesNotContain("client_encoding");
        assertThat(s.entries()).extracting(PostDataScript.Entry::type).containsExactly("CONSTRAINT", "INDEX");
        assertThat(s.entries().get(0).name()).isEqualTo("orders orders_pkey");
        assertThat(s.entries().get(1).sql()).isEqualTo("CREATE INDEX orders_customer ON public.orders USING btree (customer_id);");
    }

    /** A binary COPY stream of rows (bigint id, text) in the given order. */
    static byte[] binaryCopy(long[] ids, String changedAt) throws IOException {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.write("PGCOPY\n\377\r\n\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        copy.write(ByteBuffer.allocate(8).putInt(0).putInt(0).array());
        for (long id : ids) {
            byte[] text = (String.valueOf(id).equals(changedAt) ? "changed" : "row " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            copy.write(ByteBuffer.allocate(2 + 4 + 8 + 4 + text.length).putShort((short) 2).putInt(8).putLong(id)
                    .putInt(text.length).put(text).array());
        }
        copy.write(new byte[]{(byte) 0xff, (byte) 0xff});
        return copy.toByteArray();
    }

    static java.util.TreeMap<Long, long[]> digest(byte[] stream, int step) throws IOException {
        CountingStream s = new CountingStream(java.io.OutputStream.nullOutputStream(), true, (r, b) -> {
        }, 0, 1, 100);
        for (int i = 0; i < stream.length; i += step) {
            s.write(stream, i, Math.min(step, stream.length - i));
        }
        return s.chunks();
    }

    @Test
    void streamDigestsIgnoreOrderAndWriteBoundariesAndLocateAChangedRowByKeyChunk() throws IOException {
        long[] ids = java.util.stream.LongStream.rangeClosed(1, 1000).toArray();
        long[] reversed = java.util.stream.LongStream.rangeClosed(1, 1000).map(i -> 1001 - i).toArray();
        var a = digest(binaryCopy(ids, null), 4096);
        var b = digest(binaryCopy(reversed, null), 7);
        assertThat(StreamDigest.compare(a, b)).isEmpty();
        assertThat(a).hasSize(10).containsKeys(0L, 9L); // origin 1, width 100: ids 1..100 in chunk 0, 901..1000 in chunk 9
        assertThat(a.get(0L)[0]).isEqualTo(100);

        var changed = digest(binaryCopy(ids, "450"), 13);
        assertThat(StreamDigest.compare(a, changed)).containsExactly(new StreamDigest.Difference(4L, 100, 100));
        var missing = digest(binaryCopy(java.util.stream.LongStream.rangeClosed(1, 999).toArray(), null), 4096);
        assertThat(StreamDigest.compare(a, missing)).containsExactly(new StreamDigest.Difference(9L, 100, 99));
        assertThat(StreamDigest.decode(StreamDigest.encode(a))).usingRecursiveComparison().isEqualTo(a);
    }

    @Test
    void serverMessagesBecomeOneLine() {
        assertThat(Copier.oneLine("ERROR: syntax error at or near \"x\"\n  Position: 36\n")).isEqualTo("ERROR: syntax error at or near \"x\" Position: 36");
    }

    @Test
    void textStreamDigestsChunkByTheKeyFieldsDigits() throws IOException {
        CountingStream s = new CountingStream(java.io.OutputStream.nullOutputStream(), false, (r, b) -> {
        }, 1, -10, 10);
        s.write("a\t-15\tx\nb\t5\ty\nc\t\\N\tz\nd\t7\tw\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(s.rows()).isEqualTo(4);
        // origin -10, width 10: -15 is chunk -1, 5 and 7 chunk 1, a NULL key chunk 0
        assertThat(s.chunks().keySet()).containsExactly(-1L, 0L, 1L);
        assertThat(s.chunks().get(1L)[0]).isEqualTo(2);
    }
}
