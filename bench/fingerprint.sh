#!/usr/bin/env bash
# Whole-database fingerprint against binary COPY of the same tables, whole processes on both sides.
#
# One embedded server (bulwark db start), one database shaped like a real project:
#   wide        ROWS rows (default 2,500,000): bigint key, text, numeric, timestamptz, uuid, jsonb
#   line_items  500,000 narrow rows (bigint key, bigint, int, numeric)
#   orders      300,000 rows (bigint key, numeric, timestamptz, text)
#   customers   200,000 rows (uuid key, text, jsonb, timestamptz)
#   events      300,000 rows without any key (timestamptz, text, jsonb), with duplicates
#   countries   250 rows (text key)
# then RUNS (default 5) rounds, each running every contender once, in this order (interleaved):
#   fp        bulwark verify --snapshot FILE with every other check skipped: the JVM, the catalog,
#             the fingerprint of every table over --jobs connections, given as its default is
#             (the processors, at most 8; printed), the file
#   fp-j1     the same with --jobs 1 (serial; for information)
#   copy-ser  one psql process: COPY t TO STDOUT (FORMAT binary) of every table in turn, to /dev/null
#   copy-par  one psql process per table, all at once, each COPY … (FORMAT binary) to /dev/null
# Prints the load average before and after, every run, the medians, and the ratio
#   Bulwark speed / COPY speed = median(best COPY) / median(fp)
# where the best COPY is the faster median of copy-ser and copy-par (the peer at its best).
# Goal (issue 17): at least 0.5. Usage: bench/fingerprint.sh [ROWS]; RUNS=N for more rounds.
set -euo pipefail
rows="${1:-2500000}"
runs="${RUNS:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v psql >/dev/null || { echo "bench/fingerprint.sh needs psql (Debian: apt-get install postgresql-client)" >&2; exit 2; }

work="$(mktemp -d)"
trap '"$here/bulwark" -C "$work" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$here/bulwark" --version >/dev/null            # builds the jar and its class-data archive first, outside the timings
"$here/bulwark" -C "$work" db start >/dev/null
url="$("$here/bulwark" -C "$work" db url)"
db="${url%/*}/bench_fingerprint"
psql -q -X "$url" -c "CREATE DATABASE bench_fingerprint" >/dev/null

echo "building the corpus ($rows rows in the wide table)..." >&2
psql -q -X -v ON_ERROR_STOP=1 "$db" >/dev/null <<SQL
CREATE TABLE wide (id bigint PRIMARY KEY, name text NOT NULL, email text, amount numeric(12,2), created timestamptz,
                   updated timestamptz, ref uuid, attrs jsonb, note text);
INSERT INTO wide SELECT g, 'customer ' || g, 'c' || g || '@example.com', (g % 100000) / 100.0,
                        '2026-01-01'::timestamptz + g * interval '1 second', '2026-02-01'::timestamptz + g * interval '2 second',
                        md5(g::text)::uuid, jsonb_build_object('plan', 'p' || (g % 7), 'n', g, 'tags', jsonb_build_array('a', g % 13)),
                        repeat('x', (g % 40)::int)
FROM generate_series(1, $rows) g;
CREATE TABLE line_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, qty int NOT NULL, price numeric(10,2));
INSERT INTO line_items SELECT g, g / 3 + 1, (g % 9)::int + 1, (g % 5000) / 10.0 FROM generate_series(1, 500000) g;
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2), placed timestamptz, status text);
INSERT INTO orders SELECT g, (g % 77777) / 10.0, '2025-06-01'::timestamptz + g * interval '37 second',
                          (ARRAY['new', 'paid', 'shipped', 'returned'])[g % 4 + 1] FROM generate_series(1, 300000) g;
CREATE TABLE customers (id uuid PRIMARY KEY, name text, prefs jsonb, joined timestamptz);
INSERT INTO customers SELECT md5('c' || g)::uuid, 'name ' || g, jsonb_build_object('mail', g % 2 = 0, 'lang', 'en'),
                             '2024-01-01'::timestamptz + g * interval '3 minute' FROM generate_series(1, 200000) g;
CREATE TABLE events (at timestamptz, kind text, payload jsonb);
INSERT INTO events SELECT '2026-03-01'::timestamptz + (g % 200000) * interval '1 second', 'kind' || (g % 11),
                          jsonb_build_object('v', g % 1000) FROM generate_series(1, 300000) g;
CREATE TABLE countries (code text PRIMARY KEY, name text);
INSERT INTO countries SELECT 'c' || g, 'country ' || g FROM generate_series(1, 250) g;
VACUUM ANALYZE;
SQL
tables=(wide line_items orders customers events countries)
total_rows=$(psql -X -At "$db" -c "SELECT (SELECT count(*) FROM wide) + (SELECT count(*) FROM line_items) + (SELECT count(*) FROM orders)
  + (SELECT count(*) FROM customers) + (SELECT count(*) FROM events) + (SELECT count(*) FROM countries)") # exact, not n_live_tup's estimate
size=$(psql -X -At "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")

ms() { date +%s%3N; }
skips=(--skip missing-primary-key --skip not-valid-constraint --skip invalid-index --skip sequence-behind
       --skip unindexed-foreign-key --skip duplicate-index --skip orphan-rows --skip check-violation
       --skip duplicate-keys --skip invariant --skip data-changed)
fp()       { "$here/bulwark" -C "$work" verify --url "$db" --snapshot "$work/snap.json" "${skips[@]}" "$@" >"$work/fp.out"; }
copy_ser() { for t in "${tables[@]}"; do echo "COPY $t TO STDOUT (FORMAT binary);"; done | psql -X -q "$db" >/dev/null; }
copy_par() {
  local pids=()
  for t in "${tables[@]}"; do psql -X -q "$db" -c "COPY $t TO STDOUT (FORMAT binary)" >/dev/null & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
}

declare -A times
run() { # name command...: one timed whole-process run
  local name=$1; shift
  local t0; t0=$(ms); "$@"; local d=$(( $(ms) - t0 ))
  times[$name]="${times[$name]:-} $d"
}
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'; }

# verify's default --jobs (Fingerprinter.defaultJobs: the processors the JVM sees, at most 8), given explicitly so
# that the figure printed is the one used
jobs=$(( $(nproc) < 8 ? $(nproc) : 8 ))
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) processors; fp runs --jobs $jobs (the default)"
fp --jobs "$jobs"; copy_ser; copy_par          # warm-up: caches, the class-data archive
scan_ms=""
for ((i = 1; i <= runs; i++)); do
  run fp fp --jobs "$jobs"
  scan_ms="$scan_ms $(sed -n 's/.* in \([0-9]*\) ms .*/\1/p' "$work/fp.out")"
  run fp-j1 fp --jobs 1
  run copy-ser copy_ser
  run copy-par copy_par
done
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "peer: copy-par runs ${#tables[@]} psql processes at once (one per table) on $(nproc) processors; fp $jobs connections"
chunks=$(grep -c '"index"' "$work/snap.json" || true)
echo "corpus: ${#tables[@]} tables, $total_rows rows, $size; bulwark's snapshot: $chunks key ranges"
echo "whole processes, medians of $runs interleaved runs (ms):"
for k in fp fp-j1 copy-ser copy-par; do
  printf '  %-9s %6d ms   (runs:%s)\n' "$k" "$(median "${times[$k]}")" "${times[$k]}"
done
printf '  (fp: the fingerprint scan alone, as bulwark reports it: median %d ms; runs:%s)\n' "$(median "$scan_ms")" "$scan_ms"
fp_m=$(median "${times[fp]}"); j1_m=$(median "${times[fp-j1]}")
ser_m=$(median "${times[copy-ser]}"); par_m=$(median "${times[copy-par]}")
if (( par_m < ser_m )); then best=$par_m; peer="parallel, one psql per table"; else best=$ser_m; peer="serial, one psql"; fi
awk -v f="$fp_m" -v j="$j1_m" -v b="$best" -v p="$peer" 'BEGIN {
  printf "peer at its best: binary COPY %s, %d ms\n", p, b
  printf "Bulwark speed / COPY speed: %.2f (fingerprint %d ms vs COPY %d ms; goal: at least 0.5)\n", b / f, f, b
  printf "  with --jobs 1:             %.2f\n", b / j
}'
