# Writes a Flyway migration folder whose schema grows the way a real project's does: tables
# created over time (hundreds by the end) with foreign keys to earlier tables (CASCADE, SET NULL,
# RESTRICT or none), self-referencing trees, indexes on the keys, and later migrations that change
# earlier tables (columns, indexes built and dropped, foreign keys added NOT VALID and validated,
# CHECKs, type changes, backfills, enums, views, dropped leaf tables).
# Usage: awk -v dir=DIR -v n=COUNT -f lint-corpus.awk
# Deterministic (its own generator, not awk's rand()): the first k files are the same for every n,
# so a 2,000-file corpus is the 1,000-file one plus 1,000 later migrations.
function rnd(m) { seed = (seed * 16807) % 2147483647; return seed % m }
function pick_table() { return tname[alive[rnd(nalive)]] }
function out(s) { body = body s "\n" }
function kill_table(k,   j) {
  for (j = 0; j < nalive; j++) if (alive[j] == k) { alive[j] = alive[nalive - 1]; nalive--; return }
}
BEGIN {
  seed = 20261202
  split("users accounts orders items invoices payments projects tasks comments events tags teams messages files audits shipments addresses reviews sessions tokens", base, " ")
  ntables = 0; nalive = 0; nidx = 0; npend = 0; nenum = 0
  for (i = 1; i <= n; i++) {
    body = ""; r = rnd(100); desc = ""
    if (i <= 8 || r < 30 || nalive < 3) {
      t = base[1 + rnd(20)] "_" i; desc = "create_" t
      cols = "  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  created_at timestamptz NOT NULL DEFAULT now()"
      if (rnd(2)) cols = cols ",\n  status text"
      if (rnd(3) == 0) cols = cols ",\n  amount numeric(12, 2)"
      if (rnd(4) == 0) cols = cols ",\n  data jsonb"
      idx = ""
      nfk = (nalive == 0) ? 0 : rnd(3)
      for (f = 0; f < nfk; f++) {
        # a hub table (one of the first few) half of the time, else any live table
        p = (rnd(2) && nalive > 0) ? tname[alive[rnd(nalive < 4 ? nalive : 4)]] : pick_table()
        a = rnd(20)
        act = a < 8 ? " ON DELETE CASCADE" : a < 11 ? " ON DELETE SET NULL" : a < 15 ? " ON DELETE RESTRICT" : ""
        c = p "_id"
        if (index(cols, "  " c " ")) continue
        cols = cols ",\n  " c " bigint" (act == " ON DELETE SET NULL" ? "" : " NOT NULL") " REFERENCES " p " (id)" act
        refs[p]++
        idx = idx "CREATE INDEX " t "_" c "_idx ON " t " (" c ");\n"
        iname[nidx] = t "_" c "_idx"; itable[nidx++] = t
      }
      if (rnd(12) == 0) {
        cols = cols ",\n  parent_id bigint REFERENCES " t " (id) ON DELETE CASCADE"
        idx = idx "CREATE INDEX " t "_parent_id_idx ON " t " (parent_id);\n"
        iname[nidx] = t "_parent_id_idx"; itable[nidx++] = t
      }
      out("CREATE TABLE " t " (\n" cols "\n);")
      body = body idx
      tname[ntables] = t; ncol[t] = 0; alive[nalive++] = ntables; ntables++
    } else if (r < 45) {
      t = pick_table(); c = "c" i; desc = "add_" c "_to_" t
      k = rnd(4)
      out("ALTER TABLE " t " ADD COLUMN " c (k == 0 ? " text" : k == 1 ? " integer DEFAULT 0" : k == 2 ? " boolean NOT NULL DEFAULT false" : " timestamptz") ";")
      col[t, ncol[t]++] = c
    } else if (r < 57) {
      t = pick_table(); c = ncol[t] > 0 ? col[t, rnd(ncol[t])] : "created_at"
      nm = t "_" c "_" i "_idx"; desc = "index_" t "_" c
      out("CREATE INDEX CONCURRENTLY IF NOT EXISTS " nm " ON " t " (" c ");")
      iname[nidx] = nm; itable[nidx++] = t
    } else if (r < 64) {
      t = pick_table(); p = pick_table(); c = "ref" i "_id"; desc = "link_" t "_to_" p
      out("ALTER TABLE " t " ADD COLUMN " c " bigint;")
      out("ALTER TABLE " t " ADD CONSTRAINT " t "_" c "_fkey FOREIGN KEY (" c ") REFERENCES " p " (id)" (rnd(2) ? " ON DELETE CASCADE" : "") " NOT VALID;")
      refs[p]++
      pend[npend] = t "\t" t "_" c "_fkey"; npend++
    } else if (r < 69 && npend > 0) {
      k = rnd(npend); split(pend[k], pc, "\t"); pend[k] = pend[npend - 1]; npend--
      desc = "validate_" pc[2]
      out("ALTER TABLE " pc[1] " VALIDATE CONSTRAINT " pc[2] ";")
    } else if (r < 74 && nidx > 0) {
      k = rnd(nidx); desc = "drop_" iname[k]
      out("DROP INDEX CONCURRENTLY IF EXISTS " iname[k] ";")
      iname[k] = iname[nidx - 1]; itable[k] = itable[nidx - 1]; nidx--
    } else if (r < 79) {
      t = pick_table(); desc = "backfill_" t
      out("UPDATE " t " SET name = lower(name) WHERE id BETWEEN " (i * 1000) " AND " (i * 1000 + 999) ";")
    } else if (r < 83) {
      t = pick_table(); desc = "widen_" t
      out("ALTER TABLE " t " ALTER COLUMN name TYPE varchar(" (100 + i) ");")
    } else if (r < 86) {
      if (nenum == 0 || rnd(2)) {
        e = "kind_" i; desc = "enum_" e; enums[nenum++] = e
        out("CREATE TYPE " e " AS ENUM ('a', 'b', 'c');")
      } else {
        e = enums[rnd(nenum)]; desc = "enum_value_" i
        out("ALTER TYPE " e " ADD VALUE IF NOT EXISTS 'v" i "';")
      }
    } else if (r < 89) {
      t = pick_table(); desc = "view_" t
      out("CREATE OR REPLACE VIEW " t "_recent AS SELECT id, name, created_at FROM " t " WHERE created_at > now() - interval '30 days';")
    } else if (r < 91 && nalive > 10) {
      k = alive[rnd(nalive)]; t = tname[k]
      if (refs[t] > 0) { desc = "comment_" t; out("COMMENT ON TABLE " t " IS 'kept: other tables reference it';") }
      else { desc = "drop_" t; out("DROP TABLE IF EXISTS " t ";"); kill_table(k) }
    } else if (r < 95) {
      t = pick_table(); desc = "check_" t
      out("ALTER TABLE " t " ADD CONSTRAINT " t "_name_" i "_check CHECK (length(name) < 500) NOT VALID;")
    } else {
      t = pick_table(); desc = "seed_" t
      out("INSERT INTO " t " (name) VALUES ('seed " i "');")
    }
    f = sprintf("%s/V%d__%s.sql", dir, i, desc)
    printf "-- migration %d\n%s", i, body > f
    close(f)
  }
}
