#!/usr/bin/env bash
# Fingerprint throughput against the two ways of reading a table PostgreSQL itself offers, in one
# run on one embedded server: builds an N-row table (default 5,000,000) of bigint, text, numeric,
# timestamptz, boolean and uuid, then times
#   SELECT count(*)                                (the floor: visits every row, renders nothing)
#   COPY (SELECT * FROM t) TO STDOUT > /dev/null   (renders every row as text, ships it to a client)
#   bulwark verify --snapshot                      (count + sum of hashtextextended(row::text) per
#                                                  100k-key chunk; Bulwark's own timing of the scan)
# each once to warm the cache, then best of 3. Usage: bench/fingerprint.sh [ROWS]
set -euo pipefail
rows="${1:-5000000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v psql >/dev/null || { echo "bench/fingerprint.sh needs psql (Debian: apt-get install postgresql-client)" >&2; exit 2; }

work="$(mktemp -d)"
trap '"$here/bulwark" -C "$work" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$here/bulwark" --version >/dev/null            # builds the jar first, outside the timings
"$here/bulwark" -C "$work" db start >/dev/null
url="$("$here/bulwark" -C "$work" db url)"
base="${url%/*}"
db="$base/bench_fingerprint"
psql -q -X "$url" -c "CREATE DATABASE bench_fingerprint" >/dev/null

echo "building $rows rows..." >&2
psql -q -X -v ON_ERROR_STOP=1 "$db" >/dev/null <<SQL
CREATE TABLE t (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created timestamptz, active boolean, ref uuid);
INSERT INTO t SELECT g, 'customer ' || g, (g % 100000) / 100.0, '2026-01-01'::timestamptz + g * interval '1 second',
                     g % 3 = 0, md5(g::text)::uuid
FROM generate_series(1, $rows) g;
VACUUM ANALYZE t;
SQL

ms() { date +%s%3N; }
best() { # best of 3 wall-clock ms of "$@", after one warm-up run
  "$@" >/dev/null
  local b=999999999
  for _ in 1 2 3; do
    local t0; t0=$(ms); "$@" >/dev/null; local d=$(( $(ms) - t0 )); (( d < b )) && b=$d
  done
  echo "$b"
}

count_ms=$(best psql -X -At "$db" -c "SELECT count(*) FROM t")
copy_ms=$(best psql -X "$db" -c "COPY (SELECT * FROM t) TO STDOUT")
# Bulwark's figure is the scan alone, as it reports it (JVM start and connection excluded)
fp() { "$here/bulwark" -C "$work" verify --url "$db" --snapshot "$work/snap.json" --skip invariant \
        | sed -n 's/.* in \([0-9]*\) ms .*/\1/p'; }
fp >/dev/null
fp_ms=999999999
for _ in 1 2 3; do v=$(fp); (( v < fp_ms )) && fp_ms=$v; done
whole_ms=$(best psql -X -At "$db" -c "SET extra_float_digits = 3; SELECT count(*), sum(hashtextextended(ROW(id, name, amount, created, active, ref)::text, 0)) FROM t")
chunks=$(grep -c '"index"' "$work/snap.json" || true)

awk -v n="$rows" -v c="$count_ms" -v p="$copy_ms" -v f="$fp_ms" -v w="$whole_ms" -v k="$chunks" 'BEGIN {
  printf "rows:                          %d (bigint, text, numeric, timestamptz, boolean, uuid)\n", n
  printf "SELECT count(*):               %6d ms  %12.0f rows/s\n", c, n * 1000 / c
  printf "COPY ... TO STDOUT >/dev/null: %6d ms  %12.0f rows/s\n", p, n * 1000 / p
  printf "fingerprint, whole table:      %6d ms  %12.0f rows/s  (one psql query, no chunks)\n", w, n * 1000 / w
  printf "bulwark snapshot, %3d chunks:  %6d ms  %12.0f rows/s\n", k, f, n * 1000 / f
  printf "snapshot vs count(*):          %.2fx the time\n", f / c
  printf "snapshot vs COPY:              %.2fx the speed (goal: at least 0.5x)\n", p / f
}'
