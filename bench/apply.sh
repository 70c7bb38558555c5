#!/usr/bin/env bash
# Applies N (default 1000) small migrations to the embedded server with Bulwark, and the same
# files one by one with `psql -1 -f`, in the same run on the same server, and prints both rates
# and their ratio. Usage: bench/apply.sh [N]
set -euo pipefail
n="${1:-1000}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v psql >/dev/null || { echo "bench/apply.sh needs psql (Debian: apt-get install postgresql-client)" >&2; exit 2; }

work="$(mktemp -d)"
trap '"$here/bulwark" -C "$work" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/migrations"
for i in $(seq 1 "$n"); do
  # Flyway layout: each file is plain SQL that psql can run as it is.
  cat > "$work/migrations/V${i}__step_${i}.sql" <<SQL
CREATE TABLE t_$i (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, created_at timestamptz DEFAULT now());
CREATE INDEX t_${i}_name_idx ON t_$i (name);
INSERT INTO t_$i (name) VALUES ('a'), ('b'), ('c');
SQL
done

"$here/bulwark" --version >/dev/null            # builds the jar first, outside the timings
"$here/bulwark" -C "$work" db start >/dev/null
url="$("$here/bulwark" -C "$work" db url)"
base="${url%/*}"
psql -q -X "$url" -c "CREATE DATABASE bench_bulwark" -c "CREATE DATABASE bench_psql" >/dev/null

ms() { date +%s%3N; }

t0=$(ms)
"$here/bulwark" -C "$work" migrate --url "$base/bench_bulwark" --dir "$work/migrations" --migration-format flyway >/dev/null
t1=$(ms)
for i in $(seq 1 "$n"); do
  psql -q -X -v ON_ERROR_STOP=1 -1 -f "$work/migrations/V${i}__step_${i}.sql" "$base/bench_psql" >/dev/null
done
t2=$(ms)

bulwark_ms=$((t1 - t0)); psql_ms=$((t2 - t1))
applied=$(psql -X -At "$base/bench_bulwark" -c "SELECT count(*) FROM bulwark_history WHERE status = 'success'")
[[ "$applied" == "$n" ]] || { echo "bulwark recorded $applied of $n migrations" >&2; exit 1; }
awk -v n="$n" -v b="$bulwark_ms" -v p="$psql_ms" 'BEGIN {
  printf "migrations:            %d (3 statements each)\n", n
  printf "bulwark migrate:       %6.0f ms  %7.1f migrations/s (one JVM start, history, lock_timeout, advisory lock)\n", b, n * 1000 / b
  printf "psql -1 -f, one by one: %6.0f ms  %7.1f migrations/s (one psql process per file, no history)\n", p, n * 1000 / p
  printf "ratio bulwark/psql:    %.2fx the psql rate\n", p / b
}'
