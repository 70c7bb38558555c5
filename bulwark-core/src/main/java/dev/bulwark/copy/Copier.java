package dev.bulwark.copy;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;
import dev.bulwark.catalog.CatalogDiff;
import dev.bulwark.catalog.CatalogReader;
import dev.bulwark.catalog.CatalogSnapshot;
import dev.bulwark.catalog.FkLevels;
import dev.bulwark.catalog.CatalogSnapshot.Column;
import dev.bulwark.catalog.CatalogSnapshot.Constraint;
import dev.bulwark.catalog.CatalogSnapshot.Sequence;
import dev.bulwark.catalog.CatalogSnapshot.Table;
import dev.bulwark.catalog.ConstraintKind;
import dev.bulwark.catalog.TableRef;
import dev.bulwark.copy.CopyResult.Problem;
import dev.bulwark.copy.CopyResult.TableResult;
import dev.bulwark.fingerprint.DataComparison;
import dev.bulwark.pg.ConnectionSpec;
import dev.bulwark.pg.Identifiers;
import dev.bulwark.pg.PgDump;
import dev.bulwark.pg.SqlStates;
import org.postgresql.copy.PGCopyOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Copies a database to another server: schema before the data (pg_dump's pre-data section),
 * rows by COPY streamed from source to target through this JVM by N workers in one exported
 * snapshot, tables in foreign-key levels and big ones in primary-key ranges, each table's
 * indexes and keys as soon as its rows are in, foreign keys last ({@code NOT VALID}, then
 * validated), sequences set to the source's values, then verification. Every step records
 * itself on the target with its work, so {@link CopyOptions#resume()} continues after a kill.
 *
 * <pre>{@code
 * CopyResult r = new Copier(source, target, CopyOptions.defaults().withJobs(2), CopyListener.SILENT).run();
 * if (!r.ok()) r.problems().forEach(System.out::println);
 * }</pre>
 */
public final class Copier {
    private static final Logger LOG = LoggerFactory.getLogger(Copier.class);
    private static final Set<String> INTEGER_TYPES = Set.of("smallint", "integer", "bigint");
    /** More pieces than this buys nothing but transactions. */
    private static final int MAX_PIECES = 256;
    private static final int POST_PRIORITY = 0;
    private static final int COPY_PRIORITY = 1;
    private static final String STEP_SCHEMA = "schema";
    static final String EMPTY_SEARCH_PATH = "SELECT pg_catalog.set_config('search_path', '', false)";
    private static final String STEP_SEQUENCES = "sequences";

    private final ConnectionSpec source;
    private final ConnectionSpec target;
    private final CopyOptions options;
    private final CopyListener listener;
    private boolean serverFingerprints;

    public Copier(ConnectionSpec source, ConnectionSpec target, CopyOptions options, CopyListener listener) {
        this.source = source;
        this.target = target;
        this.options = options;
        this.listener = listener == null ? CopyListener.SILENT : listener;
    }

    /** Verify with server-side fingerprints even between servers of one version (the cross-version path), for tests. */
    Copier withServerFingerprints() {
        serverFingerprints = true;
        return this;
    }

    /** Everything one run knows: the plan and what earlier runs finished. */
    private final class Run {
        final Connection holder;
        final Connection tgt;
        final String snapshot;
        final CatalogSnapshot catalog;
        final Map<String, String> done;
        final Set<TableRef> selected; // every selected table, partitioned parents and partitions included
        final Map<TableRef, Integer> levels = new HashMap<>();
        final Map<TableRef, List<CopyUnit>> units = new LinkedHashMap<>();
        final Map<TableRef, Boolean> binary = new ConcurrentHashMap<>();
        final Map<TableRef, AtomicLong> rows = new ConcurrentHashMap<>();
        final Map<TableRef, AtomicLong> bytes = new ConcurrentHashMap<>();
        final Map<TableRef, Instant> started = new ConcurrentHashMap<>();
        final Set<TableRef> resumed = ConcurrentHashMap.newKeySet();
        final Set<TableRef> leftOut = new HashSet<>(); // views left out with the tables they read
        final Map<TableRef, long[]> chunking = new ConcurrentHashMap<>(); // {key column index or -1, origin, width}
        final Map<String, java.util.TreeMap<Long, long[]>> digests = new ConcurrentHashMap<>(); // per unit, as streamed

        Run(Connection holder, Connection tgt, String snapshot, CatalogSnapshot catalog, Map<String, String> done,
            Set<TableRef> selected) {
            this.holder = holder;
            this.tgt = tgt;
            this.snapshot = snapshot;
            this.catalog = catalog;
            this.done = new ConcurrentHashMap<>(done);
            this.selected = selected;
        }

        Table table(TableRef ref) {
            return catalog.table(ref).orElseThrow();
        }

        /** The top of a partition tree (the table itself when it is no partition). */
        TableRef root(TableRef ref) {
            Table t = catalog.table(ref).orElse(null);
            while (t != null && t.partitionOf() != null) {
                ref = t.partitionOf();
                t = catalog.table(ref).orElse(null);
            }
            return ref;
        }

        boolean isDone(String step) {
            return done.containsKey(step);
        }

        /** Records a step in the target connection's open transaction and commits both. */
        void commitStep(Connection c, String step, String value) throws SQLException {
            CopyState.record(c, step, value);
            c.commit();
            done.put(step, value == null ? "" : value);
        }
    }

    /**
     * Drops the state an interrupted copy left on the target, so that the next run starts afresh instead of
     * resuming; for a caller that removed the interrupted run's rows itself (replicate start: rows from an old
     * snapshot must not be kept beside a new slot's).
     */
    public static void forgetInterrupted(Connection target) throws SQLException {
        CopyState.drop(target);
    }

    public CopyResult run() {
        Instant start = Instant.now();
        try (Connection holder = source.open("bulwark-copy");
             Connection tgt = target.open("bulwark-copy")) {
            try (Statement s = holder.createStatement()) {
                s.execute(Workers.SOURCE_SETUP);
                // catalog definitions are deparsed relative to search_path: read both sides fully qualified
                s.execute(EMPTY_SEARCH_PATH);
            }
            holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            holder.setAutoCommit(false);
            String snapshot;
            if (options.snapshot() != null) {
                // an exported snapshot (a replication slot's): the transaction's first statement, like the workers'
                try (Statement s = holder.createStatement()) {
                    s.execute("SET TRANSACTION SNAPSHOT '" + options.snapshot() + "'");
                }
                snapshot = options.snapshot();
            } else {
                snapshot = scalar(holder, "SELECT pg_catalog.pg_export_snapshot()");
            }
            int sourceMajor = Integer.parseInt(scalar(holder, "SELECT current_setting('server_version_num')")) / 10000;
            CatalogSnapshot catalog = without(new CatalogReader(holder).read(), CopyState.SCHEMA);
            Set<TableRef> selected = select(catalog);
            if (selected.isEmpty() && !options.tables().isEverything()) {
                throw BulwarkException.usage("no table of " + source.masked() + " matches --tables/--exclude",
                        "check the patterns: schema.table or table, * and ? as wildcards, names are case-sensitive");
            }
            Map<String, String> done = prepareTarget(tgt, catalog, selected);
            Run run = new Run(holder, tgt, snapshot, catalog, done, selected);
            return copy(run, sourceMajor, start);
        } catch (SQLException e) {
            throw new BulwarkException(ErrorCode.DATABASE, "copy from " + source.masked() + " to " + target.masked()
                    + " failed: " + oneLine(e.getMessage()), "fix the cause and rerun with --resume", e);
        }
    }

    private CopyResult copy(Run run, int sourceMajor, Instant start) throws SQLException {
        Instant t0 = Instant.now();
        List<String[]> excluded = new ArrayList<>(run.catalog.tables().stream().filter(t -> !run.selected.contains(t.ref()))
                .map(t -> new String[]{t.schema(), t.name()}).toList());
        if (!excluded.isEmpty()) {
            for (TableRef v : dependentViews(run.holder, excluded)) {
                listener.warn("view " + v + " reads a table left out of the copy: left out too");
                excluded.add(new String[]{v.schema(), v.name()});
                run.leftOut.add(v);
            }
            for (Sequence q : run.catalog.sequences()) {
                if (q.ownedBy() != null && !run.selected.contains(q.ownedBy())) {
                    excluded.add(new String[]{q.schema(), q.name()}); // pg_dump keeps them otherwise
                }
            }
        }
        PostDataScript post = null;
        if (!options.dataOnly()) {
            PgDump pgDump = PgDump.find(options.pgDump(), System.getenv("PATH"), sourceMajor);
            String noPgDump = "no pg_dump of version " + sourceMajor + " or newer found"
                    + (options.pgDump() == null ? " on PATH" : " at " + options.pgDump());
            if (pgDump == null) {
                List<String> missing = CatalogSchema.unsupported(run.catalog, run.selected);
                if (!missing.isEmpty()) {
                    throw BulwarkException.usage(noPgDump + ", and the schema has what Bulwark cannot create from the catalog: "
                                    + String.join(", ", missing.stream().limit(8).toList()) + (missing.size() > 8 ? ", …" : ""),
                            "install the PostgreSQL " + sourceMajor + " client tools (or pass --pg-bin), or create the schema"
                                    + " yourself and use --data-only");
                }
                listener.warn(noPgDump + ": generating the schema from the catalog");
            }
            if (!run.isDone(STEP_SCHEMA)) {
                String pre = pgDump == null ? CatalogSchema.preData(run.catalog, run.selected)
                        : pgDump.section(source, "pre-data", run.snapshot, excluded);
                run.tgt.setAutoCommit(false);
                try (Statement s = run.tgt.createStatement()) {
                    s.execute(withoutClientEncoding(pre));
                }
                run.commitStep(run.tgt, STEP_SCHEMA, null);
                run.tgt.setAutoCommit(true);
                listener.step("schema: pre-data applied " + (pgDump == null ? "from the catalog"
                        : "with " + pgDump.binary() + " " + pgDump.major()));
            } else {
                listener.step("schema: already applied by the interrupted run");
            }
            post = pgDump == null ? CatalogSchema.postData(run.catalog, run.selected)
                    : PostDataScript.parse(pgDump.section(source, "post-data", run.snapshot, excluded));
        } else {
            checkSchemasMatch(run);
        }
        Duration schemaTime = Duration.between(t0, Instant.now());

        PostPlan postPlan = post == null ? PostPlan.EMPTY : PostPlan.of(post, run.catalog, run::root, run.selected);
        for (Constraint fk : run.catalog.foreignKeys()) {
            if (run.selected.contains(fk.table()) && !run.selected.contains(fk.references())) {
                listener.warn("foreign key " + fk.table() + "." + TableRef.display(fk.name()) + " references " + fk.references()
                        + ", which is not copied: left out");
            }
        }
        String targetSetup = post == null ? null : withoutClientEncoding(post.preamble());
        boolean replica = false;
        if (options.dataOnly()) {
            replica = canUseReplicaRole(run.tgt);
            if (replica) {
                // foreign keys and user triggers stay quiet while rows arrive in any order; verification checks orphans
                targetSetup = "SET session_replication_role = replica";
            } else {
                listener.warn("the target user may not set session_replication_role: loading level by level with"
                        + " foreign keys and triggers active");
            }
        }

        List<TableResult> results = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Duration dataTime;
        Duration postTime;
        Duration verifyTime = Duration.ZERO;
        int levelCount;
        try (Workers workers = new Workers(options.jobs(), source, run.snapshot, target, targetSetup)) {
            Instant t1 = Instant.now();
            levelCount = planLevels(run);
            if (!options.schemaOnly()) {
                planUnits(run, !replica && options.dataOnly());
                chooseFormats(run);
                copyData(run, workers, postPlan, !replica && options.dataOnly());
            } else {
                for (TableRef root : postPlan.perRoot().keySet()) {
                    workers.submit(POST_PRIORITY, "post-data " + root, w -> runEntries(run, w.target, postPlan.perRoot().get(root)));
                }
                workers.runAll();
            }
            dataTime = Duration.between(t1, Instant.now());

            Instant t2 = Instant.now();
            if (post != null) {
                try (Statement s = run.tgt.createStatement()) {
                    s.execute(targetSetup);
                }
                run.tgt.setAutoCommit(false);
                runEntries(run, run.tgt, postPlan.unplaced());
                runEntries(run, run.tgt, postPlan.attach());
                for (PostPlan.ForeignKey fk : postPlan.foreignKeys()) {
                    runEntry(run, run.tgt, "fk " + fk.entry().schema() + " " + fk.entry().name(), fk.addSql());
                }
                for (PostPlan.ForeignKey fk : postPlan.foreignKeys()) {
                    if (fk.validateSql() != null) {
                        workers.submit(POST_PRIORITY, "validate " + fk.constraint().name(),
                                w -> runEntry(run, w.target, "validate " + fk.entry().schema() + " " + fk.entry().name(),
                                        fk.validateSql()));
                    }
                }
                workers.runAll();
                runEntries(run, run.tgt, postPlan.rest());
                run.tgt.setAutoCommit(true);
                listener.step("post-data: " + postPlan.count() + " indexes, keys, triggers and other objects built");
            }
            if (!options.schemaOnly()) {
                setSequences(run);
            }
            postTime = Duration.between(t2, Instant.now());

            for (Map.Entry<TableRef, List<CopyUnit>> e : run.units.entrySet()) {
                TableRef t = e.getKey();
                results.add(new TableResult(t, run.levels.getOrDefault(run.root(t), 0), run.rows.get(t).get(),
                        run.bytes.get(t).get(), run.binary.getOrDefault(t, false), e.getValue().size(), run.resumed.contains(t)));
            }
            if (options.verify()) {
                Instant t3 = Instant.now();
                listener.step("verify: comparing schema, row counts, fingerprints, foreign keys and sequences");
                Map<String, String> sequenceValues = new HashMap<>();
                run.done.forEach((k, v) -> {
                    if (k.startsWith("sequence ")) {
                        sequenceValues.put(k.substring("sequence ".length()), v);
                    }
                });
                int targetMajor = Integer.parseInt(scalar(run.tgt, "SELECT current_setting('server_version_num')")) / 10000;
                // one server version renders the same values as the same bytes: the target's rows read back
                // must digest to what was streamed. Across versions, fingerprint both sides on the servers.
                CopyVerifier.RowCheck check = targetMajor == sourceMajor && !serverFingerprints
                        ? (w, t) -> compareStreams(run, w, t) : null;
                if (check == null) {
                    listener.step("verify: source PostgreSQL " + sourceMajor + ", target " + targetMajor
                            + ": fingerprinting both sides");
                }
                problems.addAll(new CopyVerifier(run.holder, run.tgt, run.catalog, run.selected, run.leftOut, options, replica,
                        postPlan).verify(workers, run.units.keySet(), sequenceValues, check));
                verifyTime = Duration.between(t3, Instant.now());
            }
        }
        run.holder.rollback();
        run.tgt.setAutoCommit(true);
        CopyState.drop(run.tgt);
        return new CopyResult(results, problems, options.verify(), levelCount, schemaTime, dataTime, postTime, verifyTime,
                Duration.between(start, Instant.now()));
    }

    // ---- selection and target checks ----

    private Set<TableRef> select(CatalogSnapshot catalog) {
        Set<TableRef> out = new HashSet<>();
        for (Table t : catalog.tables()) {
            Table top = t;
            while (top.partitionOf() != null && catalog.table(top.partitionOf()).isPresent()) {
                top = catalog.table(top.partitionOf()).get();
            }
            // a partition goes with its tree: copying half a partitioned table would lose rows silently
            if (options.tables().selects(top.ref())) {
                out.add(t.ref());
            }
        }
        return out;
    }

    /** The finished steps of an interrupted run to resume, or none; refuses targets that are not fit. */
    private Map<String, String> prepareTarget(Connection tgt, CatalogSnapshot catalog, Set<TableRef> selected)
            throws SQLException {
        if (CopyState.exists(tgt)) {
            Map<String, String> done = CopyState.load(tgt);
            if (!options.resume()) {
                throw CopyState.unfinished(target.masked(), done.get("started"));
            }
            listener.step("resume: " + (done.size() - 1) + " finished steps found on the target");
            listener.warn("resumed copy: tables finished by the interrupted run come from its snapshot, the rest"
                    + " from a new one; the whole is consistent only if the source took no writes in between");
            return done;
        }
        if (options.resume()) {
            listener.warn("nothing to resume on " + target.masked() + ": starting a fresh copy");
        }
        if (!options.dataOnly()) {
            List<String> existing = strings(tgt, "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)"
                    + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
                    + " ORDER BY 1 LIMIT 3");
            if (!existing.isEmpty()) {
                throw BulwarkException.usage("the target " + target.masked() + " already has tables (" + String.join(", ", existing)
                        + ")", "copy into an empty database, or use --data-only to load rows into a schema that matches");
            }
        } else {
            for (TableRef t : selected) {
                Table table = catalog.table(t).orElseThrow();
                if (table.isPartitioned()) {
                    continue;
                }
                try (Statement s = tgt.createStatement();
                     ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM ONLY " + t.sql() + ")")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        throw BulwarkException.usage("target table " + t + " already has rows",
                                "truncate it on the target, or leave it out with --exclude");
                    }
                } catch (SQLException e) {
                    if (SqlStates.is(e, SqlStates.UNDEFINED_TABLE)) {
                        continue; // the schema comparison names it
                    }
                    throw e;
                }
            }
        }
        CopyState.create(tgt, source.masked());
        return Map.of("started", source.masked());
    }

    private void checkSchemasMatch(Run run) throws SQLException {
        try (Statement s = run.tgt.createStatement()) {
            s.execute(EMPTY_SEARCH_PATH);
        }
        CatalogSnapshot targetCatalog = without(new CatalogReader(run.tgt).read(), CopyState.SCHEMA);
        List<CatalogDiff.Change> changes = CopyVerifier.schemaDifferences(run.catalog, targetCatalog, run.selected,
                run.leftOut, options.tables().isEverything());
        if (!changes.isEmpty()) {
            String listed = changes.stream().limit(10).map(CatalogDiff.Change::toString).collect(Collectors.joining("; "));
            throw BulwarkException.usage("--data-only: the target's schema differs from the source's in " + changes.size()
                            + (changes.size() == 1 ? " object: " : " objects: ") + listed + (changes.size() > 10 ? "; …" : ""),
                    "make the target's schema match (or copy without --data-only into an empty database)");
        }
    }

    private static boolean canUseReplicaRole(Connection tgt) throws SQLException {
        try (Statement s = tgt.createStatement()) {
            s.execute("SET session_replication_role = replica");
            s.execute("RESET session_replication_role");
            return true;
        } catch (SQLException e) {
            if (SqlStates.is(e, SqlStates.INSUFFICIENT_PRIVILEGE)) {
                return false;
            }
            throw e;
        }
    }

    // ---- planning ----

    /**
     * Foreign-key levels of the selected trees: level 0 references no other copied table, a
     * table references only lower levels, and the tables of a cycle share one level.
     */
    private int planLevels(Run run) {
        Set<TableRef> roots = run.selected.stream().map(run::root).collect(Collectors.toSet());
        List<Constraint> fks = run.catalog.foreignKeys().stream()
                .filter(fk -> roots.contains(run.root(fk.table())) && roots.contains(run.root(fk.references())))
                .toList();
        Map<TableRef, Integer> levels = FkLevels.of(roots, fks.stream().map(fk -> new TableRef[]{run.root(fk.table()),
                run.root(fk.references())}).toList());
        run.levels.putAll(levels);
        return levels.values().stream().mapToInt(i -> i + 1).max().orElse(0);
    }

    /** @param keysLive foreign keys are checked as rows arrive: a table referencing itself must load in one COPY */
    private void planUnits(Run run, boolean keysLive) throws SQLException {
        Set<TableRef> selfReferencing = run.catalog.foreignKeys().stream()
                .filter(fk -> run.root(fk.table()).equals(run.root(fk.references())))
                .map(fk -> run.root(fk.table())).collect(Collectors.toSet());
        List<Table> leaves = run.catalog.tables().stream()
                .filter(t -> run.selected.contains(t.ref()) && !t.isPartitioned())
                .sorted(Comparator.<Table>comparingInt(t -> run.levels.getOrDefault(run.root(t.ref()), 0))
                        .thenComparing(Comparator.comparingLong(Copier::estimate).reversed())
                        .thenComparing(Table::ref))
                .toList();
        List<CopyListener.TablePlan> plans = new ArrayList<>();
        for (Table t : leaves) {
            int level = run.levels.getOrDefault(run.root(t.ref()), 0);
            String key = keyColumn(run.catalog, t);
            String planStep = "plan " + t.ref().sql();
            String plan = run.done.get(planStep);
            if (plan == null) {
                plan = plan(run.holder, t, key, !(keysLive && selfReferencing.contains(run.root(t.ref()))));
                // ranges and chunks are fixed once: a resumed run with a new snapshot must cut the same ones
                run.tgt.setAutoCommit(true);
                CopyState.record(run.tgt, planStep, plan);
                run.done.put(planStep, plan);
            }
            String[] planParts = plan.split("\\|", -1);
            String boundaries = planParts[0];
            run.chunking.put(t.ref(), new long[]{key == null ? -1 : copyColumns(t).indexOf(key),
                    Long.parseLong(planParts[1]), Long.parseLong(planParts[2])});
            List<CopyUnit> units = new ArrayList<>();
            if (boundaries.isEmpty()) {
                units.add(CopyUnit.whole(t.ref(), level));
            } else {
                String[] parts = boundaries.split(",");
                int pieces = parts.length + 1;
                for (int i = 0; i < pieces; i++) {
                    Long low = i == 0 ? null : Long.valueOf(parts[i - 1]);
                    Long high = i == pieces - 1 ? null : Long.valueOf(parts[i]);
                    units.add(new CopyUnit(t.ref(), level, key, low, high, i, pieces));
                }
            }
            run.units.put(t.ref(), units);
            run.rows.put(t.ref(), new AtomicLong());
            run.bytes.put(t.ref(), new AtomicLong());
            boolean any = units.stream().anyMatch(u -> run.isDone(u.stateKey()));
            if (any) {
                run.resumed.add(t.ref());
            }
            plans.add(new CopyListener.TablePlan(t.ref(), t.rowEstimate() == null ? 0 : t.rowEstimate(), t.totalBytes(),
                    units.size(), any));
        }
        listener.planned(plans);
    }

    static long estimate(Table t) {
        if (t.rowEstimate() != null && t.rowEstimate() > 0) {
            return t.rowEstimate();
        }
        return t.totalBytes() / 100; // never analyzed: assume ~100-byte rows
    }

    /**
     * {@code cuts|origin|width}: the cut points of the key range into pieces of about
     * {@code splitRows} (none when one piece will do), and the verification chunks: key values
     * {@code origin + i × width} up to the next, about {@code chunkRows} rows each.
     */
    private String plan(Connection holder, Table t, String key, boolean split) throws SQLException {
        if (key == null) {
            return "|0|1";
        }
        String k = Identifiers.quote(key);
        try (Statement s = holder.createStatement();
             ResultSet rs = s.executeQuery("SELECT min(" + k + "), max(" + k + ") FROM ONLY " + t.ref().sql())) {
            rs.next();
            if (rs.getObject(1) == null) {
                return "|0|1";
            }
            long min = rs.getLong(1);
            long max = rs.getLong(2);
            long est = Math.max(estimate(t), 1);
            BigInteger span = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
            long chunks = Math.max(1, (est + options.chunkRows() - 1) / options.chunkRows());
            long width = span.add(BigInteger.valueOf(chunks - 1)).divide(BigInteger.valueOf(chunks))
                    .min(BigInteger.valueOf(Long.MAX_VALUE)).max(BigInteger.ONE).longValue();
            long pieces = split ? Math.min(MAX_PIECES, (est + options.splitRows() - 1) / options.splitRows()) : 1;
            List<String> cuts = new ArrayList<>();
            long last = min;
            for (int i = 1; i < pieces; i++) {
                long cut = BigInteger.valueOf(min).add(span.multiply(BigInteger.valueOf(i))
                        .divide(BigInteger.valueOf(pieces))).longValueExact();
                if (cut > last) {
                    cuts.add(Long.toString(cut));
                    last = cut;
                }
            }
            return String.join(",", cuts) + "|" + min + "|" + width;
        }
    }

    /** The single integer primary-key column, which ranges can be cut on, or null. */
    static String keyColumn(CatalogSnapshot catalog, Table t) {
        for (Constraint c : catalog.constraintsOf(t.ref())) {
            if (c.kind() == ConstraintKind.PRIMARY_KEY && c.columns().size() == 1) {
                return t.column(c.columns().get(0))
                        .filter(col -> INTEGER_TYPES.contains(col.type().toLowerCase(Locale.ROOT)))
                        .map(Column::name).orElse(null);
            }
        }
        return null;
    }

    private void chooseFormats(Run run) throws SQLException {
        CopyFormat format = new CopyFormat(run.holder);
        for (TableRef t : run.units.keySet()) {
            boolean binary = format.binary(t, copyColumns(run.table(t)));
            run.binary.put(t, binary);
            if (!binary) {
                LOG.info("{}: text COPY (a column type has no portable binary form)", t);
            }
        }
    }

    /** Columns COPY can write: generated columns are computed again on the target. */
    static List<String> copyColumns(Table t) {
        return t.columns().stream().filter(c -> c.generated() == null).map(Column::name).toList();
    }

    // ---- data ----

    private void copyData(Run run, Workers workers, PostPlan postPlan, boolean levelByLevel) {
        Map<TableRef, AtomicInteger> remaining = new HashMap<>();
        Map<TableRef, List<TableRef>> treeLeaves = new HashMap<>();
        for (TableRef t : run.units.keySet()) {
            treeLeaves.computeIfAbsent(run.root(t), k -> new ArrayList<>()).add(t);
        }
        for (Map.Entry<TableRef, List<TableRef>> e : treeLeaves.entrySet()) {
            int n = e.getValue().stream().mapToInt(t -> run.units.get(t).size()).sum();
            remaining.put(e.getKey(), new AtomicInteger(n));
        }
        // trees without rows to copy (a partitioned table with no partitions) still get their indexes
        for (TableRef root : postPlan.perRoot().keySet()) {
            if (!remaining.containsKey(root)) {
                workers.submit(POST_PRIORITY, "post-data " + root, w -> runEntries(run, w.target, postPlan.perRoot().get(root)));
            }
        }
        Map<TableRef, AtomicInteger> tableRemaining = new HashMap<>();
        run.units.forEach((t, us) -> tableRemaining.put(t, new AtomicInteger(us.size())));
        int maxLevel = run.units.values().stream().flatMap(List::stream).mapToInt(CopyUnit::level).max().orElse(0);
        long order = 0;
        for (int level = 0; level <= maxLevel; level++) {
            for (List<CopyUnit> us : run.units.values()) {
                for (CopyUnit u : us) {
                    if (u.level() != level) {
                        continue;
                    }
                    order++;
                    workers.submit(COPY_PRIORITY, order, "copy " + u, w -> {
                        if (!run.isDone(u.stateKey())) {
                            copyUnit(run, w, u);
                        } else {
                            String[] v = run.done.get(u.stateKey()).split(" ");
                            run.rows.get(u.table()).addAndGet(Long.parseLong(v[0]));
                            run.bytes.get(u.table()).addAndGet(Long.parseLong(v[1]));
                            run.digests.put(u.stateKey(), StreamDigest.decode(v.length > 2 ? v[2] : ""));
                        }
                        if (tableRemaining.get(u.table()).decrementAndGet() == 0) {
                            Instant began = run.started.getOrDefault(u.table(), Instant.now());
                            listener.tableCopied(u.table(), run.rows.get(u.table()).get(), run.bytes.get(u.table()).get(),
                                    Duration.between(began, Instant.now()));
                        }
                        TableRef root = run.root(u.table());
                        if (remaining.get(root).decrementAndGet() == 0 && postPlan.perRoot().containsKey(root)) {
                            // build this tree's indexes and keys now, while other tables are still copying
                            workers.submit(POST_PRIORITY, "post-data " + root,
                                    pw -> runEntries(run, pw.target, postPlan.perRoot().get(root)));
                        }
                    });
                }
            }
            if (levelByLevel) {
                workers.runAll(); // foreign keys are live: a level's parents must be in before its children
            }
        }
        workers.runAll();
    }

    private void copyUnit(Run run, Workers.Worker w, CopyUnit u) throws SQLException, IOException {
        Table table = run.table(u.table());
        boolean binary = run.binary.getOrDefault(u.table(), false);
        List<String> columns = copyColumns(table);
        String cols = columns.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String out = copyOut(u, columns, binary);
        boolean freeze = !u.isRange() && !options.dataOnly();
        if (freeze) {
            // emptied in this transaction, so COPY may write the rows frozen: reading them later (verification first)
            // then sets no hint bits and rewrites no pages
            try (Statement st = w.target.createStatement()) {
                st.execute("TRUNCATE ONLY " + u.table().sql());
            }
        }
        String with = binary ? (freeze ? " (FORMAT binary, FREEZE)" : " (FORMAT binary)") : (freeze ? " (FREEZE)" : "");
        String in = "COPY " + u.table().sql() + (cols.isEmpty() ? "" : " (" + cols + ")") + " FROM STDIN" + with;
        run.started.putIfAbsent(u.table(), Instant.now());
        PGCopyOutputStream sink = new PGCopyOutputStream(w.targetPg, in, 1 << 16);
        long[] chunking = run.chunking.get(u.table());
        CountingStream counter = new CountingStream(sink, binary, (r, b) -> listener.progress(u.table(), r, b),
                (int) chunking[0], chunking[1], chunking[2]);
        long rows;
        try {
            rows = w.sourceCopy.copyOut(out, counter);
            counter.report();
            sink.endCopy();
        } catch (SQLException | IOException | RuntimeException e) {
            if (sink.isActive()) {
                try {
                    sink.cancelCopy(); // never leave the target connection stuck in COPY
                } catch (SQLException ignored) {
                    // the connection is gone
                }
            }
            throw new BulwarkException(ErrorCode.DATABASE, "copying " + u + " failed: " + oneLine(e.getMessage()),
                    "fix the cause and rerun with --resume: finished tables and ranges are kept", e);
        }
        // the digest of what was sent is kept with the step, so verification after a resume still has it
        run.commitStep(w.target, u.stateKey(), rows + " " + counter.bytes() + " " + StreamDigest.encode(counter.chunks()));
        run.digests.put(u.stateKey(), counter.chunks());
        run.rows.get(u.table()).addAndGet(rows);
        run.bytes.get(u.table()).addAndGet(counter.bytes());
        listener.unitCopied(u, rows, counter.bytes());
    }

    /** The COPY that reads a unit: from the source to copy it, from the target to verify it. */
    static String copyOut(CopyUnit u, List<String> columns, boolean binary) {
        String cols = columns.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
        String format = binary ? " (FORMAT binary)" : "";
        return u.isRange()
                ? "COPY (SELECT " + cols + " FROM ONLY " + u.table().sql() + u.where() + ") TO STDOUT" + format
                : "COPY " + u.table().sql() + (cols.isEmpty() ? "" : " (" + cols + ")") + " TO STDOUT" + format;
    }

    /**
     * Reads a table back from the target in one COPY (one scan, however many ranges it was
     * copied in) and compares its digest with the sum of those taken as its units streamed.
     */
    private List<Problem> compareStreams(Run run, Workers.Worker w, TableRef t) throws SQLException, IOException {
        Table table = run.table(t);
        List<String> columns = copyColumns(table);
        boolean binary = run.binary.getOrDefault(t, false);
        long[] chunking = run.chunking.get(t);
        String key = chunking[0] < 0 ? null : columns.get((int) chunking[0]);
        java.util.TreeMap<Long, long[]> sent = new java.util.TreeMap<>();
        for (CopyUnit u : run.units.get(t)) {
            StreamDigest.addInto(sent, run.digests.getOrDefault(u.stateKey(), new java.util.TreeMap<>()));
        }
        CountingStream back = new CountingStream(java.io.OutputStream.nullOutputStream(), binary, (r, b) -> {
        }, (int) chunking[0], chunking[1], chunking[2]);
        w.targetPg.getCopyAPI().copyOut(copyOut(CopyUnit.whole(t, 0), columns, binary), back);
        List<Problem> out = new ArrayList<>();
        for (StreamDigest.Difference d : StreamDigest.compare(sent, back.chunks())) {
            DataComparison.ChunkChange.Kind kind = d.targetRows() > d.sourceRows() ? DataComparison.ChunkChange.Kind.ROWS_ADDED
                    : d.targetRows() < d.sourceRows() ? DataComparison.ChunkChange.Kind.ROWS_REMOVED
                    : DataComparison.ChunkChange.Kind.ROWS_CHANGED;
            DataComparison.ChunkChange change;
            if (key == null) {
                change = new DataComparison.ChunkChange(null, null, null, false, d.sourceRows(), d.targetRows(), kind);
            } else {
                BigInteger low = BigInteger.valueOf(chunking[1]).add(BigInteger.valueOf(d.index()).multiply(BigInteger.valueOf(chunking[2])));
                change = new DataComparison.ChunkChange(d.index(), low.toString(),
                        low.add(BigInteger.valueOf(chunking[2] - 1)).toString(), false, d.sourceRows(), d.targetRows(), kind);
            }
            out.add(new Problem(t.toString(), "target differs from source in " + change.describe(key == null ? "?"
                    : Identifiers.quote(key)) + " (source " + d.sourceRows() + ", target " + d.targetRows() + " rows)"));
        }
        return out;
    }

    // ---- post-data ----

    private void runEntries(Run run, Connection c, List<PostDataScript.Entry> entries) throws SQLException {
        for (PostDataScript.Entry e : entries) {
            runEntry(run, c, "post " + e.type() + " " + e.schema() + " " + e.name(), e.sql());
        }
    }

    private void runEntry(Run run, Connection c, String step, String sql) throws SQLException {
        if (run.isDone(step)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            c.rollback();
            throw new BulwarkException(ErrorCode.DATABASE, "post-data step failed (" + step + "): " + oneLine(e.getMessage())
                    + " in: " + firstLine(sql), "fix the cause on the target and rerun with --resume", e);
        }
        run.commitStep(c, step, null);
    }

    /** Server messages may span lines ({@code Position: 36}); ours are one line. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\n\\s*", " ");
    }

    private static String firstLine(String sql) {
        String one = sql.strip().replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 160) + "…" : one;
    }

    // ---- sequences ----

    private List<Sequence> copiedSequences(Run run) {
        return run.catalog.sequences().stream()
                .filter(s -> s.ownedBy() == null || run.selected.contains(s.ownedBy()))
                .toList();
    }

    /** Sets each sequence to the source's position, read now (never behind the snapshot's rows). */
    private void setSequences(Run run) throws SQLException {
        if (run.isDone(STEP_SEQUENCES)) {
            return;
        }
        List<Sequence> sequences = copiedSequences(run);
        run.tgt.setAutoCommit(false);
        for (Sequence s : sequences) {
            long last;
            boolean called;
            try (Statement st = run.holder.createStatement();
                 ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + s.ref().sql())) {
                rs.next();
                last = rs.getLong(1);
                called = rs.getBoolean(2);
            }
            try (PreparedStatement ps = run.tgt.prepareStatement("SELECT pg_catalog.setval(?::pg_catalog.regclass, ?, ?)")) {
                ps.setString(1, s.ref().sql());
                ps.setLong(2, last);
                ps.setBoolean(3, called);
                ps.executeQuery().close();
            }
            CopyState.record(run.tgt, "sequence " + s.ref().sql(), last + " " + called);
            run.done.put("sequence " + s.ref().sql(), last + " " + called);
        }
        run.commitStep(run.tgt, STEP_SEQUENCES, Integer.toString(sequences.size()));
        run.tgt.setAutoCommit(true);
        listener.step("sequences: " + sequences.size() + " set to the source's values");
    }

    // ---- helpers ----

    /** Views (and views on those) that read any of the tables: they could not be created without them. */
    private static List<TableRef> dependentViews(Connection c, List<String[]> tables) throws SQLException {
        String[] names = tables.stream().map(t -> Identifiers.qualified(t[0], t[1])).toArray(String[]::new);
        List<TableRef> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE gone(oid) AS ("
                + " SELECT x::pg_catalog.regclass::pg_catalog.oid FROM pg_catalog.unnest(?::text[]) AS x"
                + " UNION SELECT r.ev_class FROM pg_catalog.pg_depend d"
                + " JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid JOIN gone g ON g.oid = d.refobjid"
                + " WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND r.ev_class <> d.refobjid)"
                + " SELECT n.nspname, v.relname FROM gone JOIN pg_catalog.pg_class v ON v.oid = gone.oid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = v.relnamespace WHERE v.relkind IN ('v', 'm') ORDER BY 1, 2")) {
            ps.setArray(1, c.createArrayOf("text", names));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableRef(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** The snapshot without the objects of one schema (the copy's own state). */
    static CatalogSnapshot without(CatalogSnapshot c, String schema) {
        return new CatalogSnapshot(c.serverVersion(), c.takenAt(), c.schemaFilter(),
                c.schemas().stream().filter(s -> !s.name().equals(schema)).toList(),
                c.tables().stream().filter(t -> !t.schema().equals(schema)).toList(),
                c.constraints().stream().filter(x -> !x.table().schema().equals(schema)).toList(),
                c.indexes().stream().filter(x -> !x.table().schema().equals(schema)).toList(),
                c.sequences().stream().filter(x -> !x.schema().equals(schema)).toList(),
                c.views(), c.functions(), c.triggers(), c.enums(), c.extensions());
    }

    /** pgjdbc insists on UTF8 as client encoding; a dump's {@code SET client_encoding} would break the connection. */
    static String withoutClientEncoding(String script) {
        return script == null ? null : script.replaceAll("(?m)^SET client_encoding = [^\\n]*\\n", "");
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
