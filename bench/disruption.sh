#!/usr/bin/env bash
# What a migration does to the application while it runs. On the embedded server: a 2-million-row
# table under a pgbench read/write load for the whole run, and meanwhile
#   (a) a migration set (index build, FK, SET NOT NULL, ADD COLUMN) applied with plain psql,
#   (b) the same set, made safe by `bulwark lint --fix`, through `bulwark deploy`,
#   (c) the plain set while another session holds a 10 s transaction on the table,
#   (d) the safe set through `bulwark deploy` under the same long transaction.
# For each: failed client transactions, p99 and max latency, seconds with no committed write,
# and the longest gap between two commits.
#
# Usage: bench/disruption.sh [seconds of load per scenario, default 60]
# Needs psql and pgbench (Debian: apt-get install postgresql-client postgresql-contrib); installs nothing.
set -euo pipefail
seconds="${1:-60}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
missing=()
for tool in psql pgbench awk; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  echo "bench/disruption.sh needs: ${missing[*]} (Debian: apt-get install postgresql-client postgresql-contrib)" >&2
  exit 2
fi
rows="${BENCH_ROWS:-2000000}"
clients=4
lock_timeout="${BENCH_LOCK_TIMEOUT:-500ms}"

work="$(mktemp -d)"
trap '"$here/bulwark" -C "$work" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$here/bulwark" --version >/dev/null            # builds the jar first, outside the timings
"$here/bulwark" -C "$work" db start >/dev/null
url="$("$here/bulwark" -C "$work" db url)"
base="${url%/*}"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "loading $rows rows into the template database…" >&2
q "$url" -c "CREATE DATABASE bench_template"
q "$base/bench_template" <<SQL
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 100000) g;
CREATE TABLE accounts (id bigint PRIMARY KEY, customer_id bigint NOT NULL, balance bigint NOT NULL DEFAULT 0, status text,
                       note text);
INSERT INTO accounts SELECT g, g % 100000 + 1, 0, CASE WHEN g % 2 = 0 THEN 'open' ELSE 'closed' END, 'account ' || g
FROM generate_series(1, $rows) g;
VACUUM ANALYZE;
SQL

# the load: one read and one write per transaction, on random accounts
cat > "$work/load.sql" <<SQL
\set aid random(1, $rows)
UPDATE accounts SET balance = balance + 1 WHERE id = :aid;
SELECT balance, status FROM accounts WHERE id = :aid;
SQL

cat > "$work/plain.sql" <<'SQL'
CREATE INDEX accounts_customer_idx ON accounts (customer_id);
ALTER TABLE accounts ADD CONSTRAINT accounts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
ALTER TABLE accounts ALTER COLUMN status SET NOT NULL;
ALTER TABLE accounts ADD COLUMN flags int;
SQL

# the safe set is the plain one as `bulwark lint --fix` rewrites it: CONCURRENTLY, NOT VALID + a
# VALIDATE migration, the CHECK sequence before SET NOT NULL
mkdir -p "$work/safe"
{ echo "-- bulwark:up"; cat "$work/plain.sql"; } > "$work/safe/20260101000001_accounts.sql"
"$here/bulwark" -C "$work" lint --fix "$work/safe" > "$work/fix.out" 2>&1 || true
grep -E '^(fixed|created):' "$work/fix.out" >&2 || { cat "$work/fix.out" >&2; echo "lint --fix changed nothing" >&2; exit 1; }
if "$here/bulwark" -C "$work" lint "$work/safe" > "$work/lint.out" 2>&1; then :; else
  cat "$work/lint.out" >&2; echo "the fixed set still has errors" >&2; exit 1
fi

# stats from pgbench's per-transaction logs (client tx latency_us script epoch_s epoch_us), in
# plain POSIX awk and sort: latencies sorted for p99 and max, commit times for gaps and idle seconds
stats() {
  local logs=("$1".*)
  local lat times n p99 max
  lat="$(awk '$3 ~ /^[0-9]+$/ { print $3 }' "${logs[@]}" | sort -n)"
  n=$(printf '%s\n' "$lat" | grep -c . || true)
  p99=$(printf '%s\n' "$lat" | awk -v k="$(( n * 99 / 100 > 0 ? n * 99 / 100 : 1 ))" 'NR == k { print; exit }')
  max=$(printf '%s\n' "$lat" | tail -1)
  times="$(awk '$3 ~ /^[0-9]+$/ { printf "%d.%06d\n", $5, $6 }' "${logs[@]}" | sort -n)"
  printf '%s\n' "$times" | awk -v start="$2" -v end="$3" -v n="$n" -v p99="$p99" -v max="$max" '
    { t = $1 + 0; if (NR > 1 && t - prev > gap) gap = t - prev; prev = t; done[int(t)] = 1 }
    END {
      idle = 0; for (s = start + 1; s < end - 1; s++) if (!(s in done)) idle++
      printf "%9d %9.1f %9.1f %10d %10.2f", n, p99 / 1000, max / 1000, idle, gap
    }'
}

run() { # name database how
  local name="$1" db="$2" how="$3"
  q "$url" -c "CREATE DATABASE $db TEMPLATE bench_template"
  local start end failed
  start=$(date +%s)
  pgbench -n -c "$clients" -j 2 -T "$seconds" -f "$work/load.sql" -l --log-prefix="$work/log_$db" "$base/$db" > "$work/$db.out" 2>&1 &
  local bench=$!
  sleep 5
  local blocker=""
  if [[ "$how" == *blocked* ]]; then
    # a report that reads the table inside a 10 s transaction: its ACCESS SHARE lock is held to the end
    psql -X -q "$base/$db" -c "BEGIN; SELECT count(*) FROM accounts WHERE id < 100; SELECT pg_sleep(10); COMMIT;" >/dev/null &
    blocker=$!
    sleep 1
  fi
  local t0 t1
  t0=$(date +%s%3N)
  if [[ "$how" == plain* ]]; then
    psql -X -q -v ON_ERROR_STOP=1 -f "$work/plain.sql" "$base/$db" > "$work/$db.migration" 2>&1 || echo "  psql failed: $(tail -1 "$work/$db.migration")" >&2
  else
    local extra=()
    [[ "$how" == *blocked* ]] && extra=(--ignore-check locks-on-touched-tables)
    "$here/bulwark" -C "$work" deploy --url "$base/$db" --dir "$work/safe" --lock-timeout "$lock_timeout" "${extra[@]}" \
      > "$work/$db.migration" 2>&1 || { echo "  bulwark deploy exited $?:" >&2; grep -E '^(DEPLOYED|ROLLED|NOT|REFUSED|preflight|  )' "$work/$db.migration" | head -8 >&2; }
  fi
  t1=$(date +%s%3N)
  [[ -n "$blocker" ]] && wait "$blocker"
  wait "$bench" || true
  end=$(date +%s)
  failed=$(awk -F': ' '/number of failed transactions/ { split($2, a, " "); print a[1] }' "$work/$db.out")
  aborted=$(grep -c "aborted" "$work/$db.out" || true)
  [[ "$((t1 - t0))" -gt "$(( (seconds - 5) * 1000 ))" ]] && echo "  warning: the migration outlasted the load window; raise the seconds" >&2
  printf "%-34s %8.1f %8s %s\n" "$name" "$(( t1 - t0 ))e-3" "${failed:-0}/${aborted}" "$(stats "$work/log_$db" "$start" "$end")"
}

echo
printf "%d rows, %d pgbench clients for %d s per scenario, bulwark lock_timeout %s\n" "$rows" "$clients" "$seconds" "$lock_timeout"
printf "%-34s %8s %8s %9s %9s %9s %10s %10s\n" "scenario" "migr s" "fail/abt" "commits" "p99 ms" "max ms" "idle s" "max gap s"
run "(a) plain psql" s_a plain
run "(b) bulwark deploy" s_b bulwark
run "(c) plain psql, 10s blocker" s_c plain-blocked
run "(d) bulwark deploy, 10s blocker" s_d bulwark-blocked
echo
echo "fail/abt: failed transactions / aborted clients; idle s: whole seconds without one committed write;"
echo "max gap s: longest time between two commits. Bulwark's deploy includes its backup and verification."
