#!/usr/bin/env bash
# A column type change on a busy table, two ways, under the same write load and with a logical subscriber
# standing in for a replica:
#   (a) the one-liner a team would run:      psql -c "ALTER TABLE orders ALTER COLUMN amount TYPE bigint"
#   (b) Bulwark's expand/contract plan of that same one-liner (`bulwark plan --write`), applied with
#       `bulwark migrate` (expand: trigger + new column, the throttled backfill, VALIDATE), then
#       `bulwark migrate --phase contract` (the swap) right after it, as if the release were instant
#   (0) no migration at all: the baseline latency of the same load
# Every run starts from the same data (a template database of ROWS orders on the primary, the same rows on the
# subscriber, subscribed with copy_data = false). pgbench writes to orders at a fixed rate the whole time (-R: the
# latency it logs counts from each transaction's scheduled start, so time spent blocked shows). Scenarios are
# interleaved RUNS times, the order rotating each round (b, a, 0; a, 0, b; ...); medians are printed. Per run and scenario:
#   failed:   transactions pgbench logged as failed, plus clients that aborted (an error pgbench cannot retry)
#   max/p99:  latency in ms over the whole run (warm-up, migration, cool-down; every run holds the load at least as
#             long as the longest before it, so the windows compare), and transactions slower than 1 s
#   no-write: the longest stretch, in seconds, in which no transaction of the load completed
#   duration: the migration's wall time (whole processes)
#   max lag:  the subscriber's largest lag (sampled every 0.1 s): bytes behind its slot's confirmed position, seconds
#             of pg_stat_replication's replay_lag, and the longest stretch above --max-lag's defaults (10 s or 64 MB)
#             with where it began, in seconds from the migration's start (past its duration: after it ended);
#             after each run the subscriber must catch up and hold the publisher's rows (count and sum), else it says so
# Usage: bench/expand.sh [ROWS] [RUNS] [RATE]   (defaults 3000000, 5 and 200 tps; 200000 1 for a quick check)
set -euo pipefail
rows="${1:-3000000}"
runs="${2:-5}"
rate="${3:-200}"
warm=5 cool=5
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in psql pgbench python3; do
  command -v "$tool" >/dev/null || { echo "bench/expand.sh needs $tool (Debian: apt-get install postgresql-client postgresql-contrib python3)" >&2; exit 2; }
done
bw() { "$here/bulwark" "$@"; }
work="$(mktemp -d)"
trap 'bw -C "$work/primary" db stop >/dev/null 2>&1 || true; bw -C "$work/replica" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/primary" "$work/replica"
bw --version >/dev/null # builds the jar first, outside the timings
q() { psql -q -X -v ON_ERROR_STOP=1 "$@"; }
for side in primary replica; do
  bw -C "$work/$side" db start >/dev/null
done
u="$(bw -C "$work/primary" db url)"; P="${u%/*}"
q "$P/postgres" -c "ALTER SYSTEM SET wal_level = logical" >/dev/null
bw -C "$work/primary" db stop >/dev/null
bw -C "$work/primary" db start >/dev/null
u="$(bw -C "$work/replica" db url)"; R="${u%/*}"
pport="$(echo "$P" | sed -n 's/.*:\([0-9]*\)$/\1/p')"
puser="$(echo "$P" | sed -n 's|^postgres[a-z]*://\([^@:]*\).*|\1|p')"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); rows $rows, runs $runs, load pgbench -R $rate -c 4 -j 2 on orders"
echo "server: $(q "$P/postgres" -At -c 'SHOW server_version')"

# the project: the table's migration, and the one-liner; the plan is written once (the same files every run)
proj="$work/project"
mkdir -p "$proj/migrations"
cat >"$proj/migrations/0001_orders.sql" <<'SQL'
-- bulwark:up
CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, amount int NOT NULL, note text);
-- bulwark:down
DROP TABLE orders;
SQL
cat >"$proj/migrations/0002_amount_bigint.sql" <<'SQL'
-- bulwark:up
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
SQL
bw -C "$proj" plan "$proj/migrations/0002_amount_bigint.sql" --write >/dev/null
echo "plan: $(ls "$proj/migrations" | grep -v 0001 | paste -sd' ')"

# the same rows on both servers: a template database migrated to 0001 and filled
fill="INSERT INTO orders (customer, amount, note) SELECT g % 50000, (g::bigint * 7919) % 100000, 'order ' || g FROM generate_series(1, $rows) g"
for side in "$P" "$R"; do
  q "$side/postgres" -c "CREATE DATABASE tmpl" >/dev/null
  bw -C "$proj" migrate --url "$side/tmpl" --to 0001 >/dev/null
  q "$side/tmpl" -c "$fill" -c "VACUUM ANALYZE orders" >/dev/null
done
echo "data: $(q "$P/tmpl" -At -c "SELECT count(*) || ' orders, ' || pg_size_pretty(pg_total_relation_size('orders')) FROM orders")"

cat >"$work/load.sql" <<SQL
\set id random(1, $rows)
BEGIN;
UPDATE orders SET amount = amount + 1 WHERE id = :id;
INSERT INTO orders (customer, amount, note) VALUES (:id % 50000, :id % 100000, 'load');
END;
SQL

# lag in bytes from the subscription's slot (it stays when the apply worker dies, unlike pg_stat_replication's row),
# in seconds from pg_stat_replication's replay_lag
# in seconds from pg_stat_replication's replay_lag; beside them, what the server was doing (to say where a stretch above
# --max-lag came from): its WAL position, checkpoints so far, the statements Bulwark's sessions were running and what
# autovacuum was doing
lagsql="SELECT coalesce((SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM pg_replication_slots WHERE slot_name = 'bench'), 0)::bigint, coalesce((SELECT extract(epoch FROM max(replay_lag)) FROM pg_stat_replication), 0), extract(epoch FROM clock_timestamp()), pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter), coalesce((SELECT string_agg(DISTINCT left(translate(regexp_replace(query, '\\s+', ' ', 'g'), '|', '/'), 60), '; ') FROM pg_stat_activity WHERE application_name LIKE 'bulwark%' AND state = 'active' AND pid <> pg_backend_pid()), '-'), coalesce((SELECT string_agg(DISTINCT translate(query, '|', '/'), '; ') FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND query <> ''), '-')"
hold=0 # every scenario keeps the load at least as long as the longest run so far: max and p99 over like windows

run() { # $1 = scenario (base|a|b), $2 = run number
  local s=$1 n=$2 db="run_$1_$2" dir="$work/$1_$2"
  mkdir -p "$dir"
  q "$P/postgres" -c "CREATE DATABASE $db TEMPLATE tmpl" >/dev/null
  q "$R/postgres" -c "CREATE DATABASE $db TEMPLATE tmpl" >/dev/null
  q "$P/$db" -c "CREATE PUBLICATION bench FOR TABLE orders" >/dev/null
  if [[ $s == b ]]; then
    # DDL is not replicated: the subscriber gets the columns the plan adds and renames first (a subscriber may have
    # more columns than the publisher sends, never fewer)
    q "$R/$db" -c "ALTER TABLE orders ADD COLUMN amount_new bigint, ADD COLUMN amount_old int" >/dev/null
  fi
  PGOPTIONS='-c client_min_messages=warning' q "$R/$db" -c "CREATE SUBSCRIPTION bench CONNECTION 'host=127.0.0.1 port=$pport user=$puser dbname=$db' PUBLICATION bench WITH (copy_data = false)" >/dev/null
  q "$P/postgres" -c "CHECKPOINT" >/dev/null # the template copies' WAL flushed before the load, not inside its window
  printf '%s \\watch 0.1\n' "$lagsql" | psql -X -At -F'|' "$P/$db" >"$dir/lag" 2>/dev/null &
  local lagpid=$!
  local l0
  l0=$(date +%s%3N)
  (cd "$dir" && PGAPPNAME=bench_load pgbench -n -c 4 -j 2 -R "$rate" -T 3600 -l --log-prefix=tx -f "$work/load.sql" "$P/$db" >"$dir/pgbench.out" 2>&1) &
  local pgb=$!
  sleep "$warm"
  local t0 t1
  t0=$(date +%s%3N)
  case $s in
    base) : ;;
    a) q "$P/$db" -c "ALTER TABLE orders ALTER COLUMN amount TYPE bigint" >"$dir/migrate.out" 2>&1 ;;
    b) { bw -C "$proj" migrate --url "$P/$db" && bw -C "$proj" migrate --url "$P/$db" --phase contract; } >"$dir/migrate.out" 2>&1 ;;
  esac || { echo "$s run $n: the migration failed:"; cat "$dir/migrate.out"; exit 1; }
  t1=$(date +%s%3N)
  sleep "$cool"
  local held=$(( $(date +%s%3N) - l0 ))
  if (( held < hold )); then sleep "$(awk -v ms=$((hold - held)) 'BEGIN { printf "%.3f", ms / 1000 }')"; fi
  # stop the load: its clients' sessions are ended (pgbench then writes its logs and exits); a client that had
  # already aborted is one failure
  local live
  live=$(q "$P/postgres" -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'bench_load'")
  local stop_ms
  stop_ms=$(date +%s%3N)
  q "$P/postgres" -At -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'bench_load'" >/dev/null
  wait $pgb || true
  (( stop_ms - l0 > hold )) && hold=$(( stop_ms - l0 ))
  # the subscriber must have every row: wait (60 s at most) for the slot to pass the publisher's last LSN, then compare
  local end_lsn synced=no
  end_lsn=$(q "$P/$db" -At -c "SELECT pg_current_wal_lsn()")
  for _ in $(seq 1 120); do
    if [[ "$(q "$P/$db" -At -c "SELECT confirmed_flush_lsn >= '$end_lsn' FROM pg_replication_slots WHERE slot_name = 'bench'")" == t ]]; then
      synced=yes; break
    fi
    sleep 0.5
  done
  kill $lagpid 2>/dev/null || true
  wait $lagpid 2>/dev/null || true
  local pc rc errors
  pc=$(q "$P/$db" -At -c "SELECT count(*) || '/' || sum(amount) FROM orders")
  rc=$(q "$R/$db" -At -c "SELECT count(*) || '/' || sum(amount) FROM orders")
  errors=$(q "$R/$db" -At -c "SELECT coalesce(sum(apply_error_count), 0) FROM pg_stat_subscription_stats" 2>/dev/null || echo "?")
  if [[ $synced != yes || "$pc" != "$rc" ]]; then
    echo "  $s run $n: the SUBSCRIBER FELL BEHIND OR BROKE: caught up: $synced, publisher rows/sum $pc, subscriber $rc, apply errors $errors" >&2
  fi
  PGOPTIONS='-c client_min_messages=warning' q "$R/$db" -c "DROP SUBSCRIPTION bench" >/dev/null
  q "$P/postgres" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
  q "$R/postgres" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
  python3 - "$dir" "$t0" "$t1" "$stop_ms" "$((4 - live))" "$s" "$([[ $synced == yes && "$pc" == "$rc" ]] && echo 1 || echo 0)" "$errors" >>"$work/results" <<'PY'
import glob, math, sys
d, t0, t1, stop, aborted, s, insync, errors = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7], sys.argv[8]
lat, done, failed = [], [], 0
for f in glob.glob(d + "/tx*"):
    for line in open(f):
        p = line.split()
        end_ms = int(p[4]) * 1000 + int(p[5]) // 1000
        if end_ms >= stop:
            continue  # ended by the stop
        if p[2] == "failed":
            failed += 1
            continue
        lat.append(int(p[2]) / 1000.0)
        done.append(end_ms)
lat.sort(); done.sort()
gap = max((b - a for a, b in zip(done, done[1:])), default=0) / 1000.0
p99 = lat[math.ceil(len(lat) * 0.99) - 1] if lat else 0
slow = sum(1 for x in lat if x > 1000)
mb, ms, above, start, above_at, above_end, peak_at = 0, 0.0, 0.0, None, None, None, None
samples = []  # (at, lag bytes, wal position, checkpoints, bulwark's statements, autovacuum's)
for line in open(d + "/lag"):
    p = line.rstrip("\n").split("|")
    if len(p) != 7:
        continue
    b, sec, at = int(p[0]), float(p[1]), float(p[2])
    samples.append((at, b, int(p[3]), int(p[4]), p[5], p[6]))
    if b > mb:
        peak_at = at
    mb, ms = max(mb, b), max(ms, sec)
    if b > 64 * 1024 * 1024 or sec > 10:
        start = at if start is None else start
        if at - start + 0.1 > above:  # a sample above counts for its 0.1 s
            above, above_at, above_end = at - start + 0.1, start, at
    else:
        start = None
if not samples:  # the sampling query failed (stderr is not kept): no figures rather than a lag of 0
    sys.exit("bench/expand.sh: no lag samples were read for %s; run the query of lagsql by hand against the publisher" % d)
def during(a, b):  # what ran from a to b: WAL written, checkpoints, Bulwark's statements, autovacuum's
    w = [x for x in samples if a <= x[0] <= b]
    if not w:
        return "no samples"
    ran = lambda i: "; ".join(sorted({y for x in w for y in x[i].split("; ") if y != "-"})) or "nothing"
    return "%.0f MB of WAL in %.1f s, %d checkpoint(s); bulwark: %s; autovacuum: %s" % (
        (w[-1][2] - w[0][2]) / 1048576.0, w[-1][0] - w[0][0], w[-1][3] - w[0][3], ran(4), ran(5))
with open(d + "/why", "w") as why:  # the second before the longest stretch above --max-lag (or the peak) and the stretch
    if above_at is not None:
        why.write("             above --max-lag from %+.1f s: the second before: %s\n" % (above_at - t0 / 1000.0, during(above_at - 1, above_at)))
        why.write("             during it: %s\n" % during(above_at, above_end))
    elif peak_at is not None:
        why.write("             peak lag at %+.1f s; the second before: %s\n" % (peak_at - t0 / 1000.0, during(peak_at - 1, peak_at)))
# where the longest stretch above began, in seconds from the migration's start ("-" when none): inside the
# migration's duration or after it (the server's own writes once it ended, autovacuum of the rows it left dead)
where = "-" if above_at is None else "%+.1f" % (above_at - t0 / 1000.0)
print(s, failed + aborted, round(lat[-1] if lat else 0, 1), round(p99, 1), round(gap, 2), t1 - t0, mb, round(ms, 2), round(above, 1),
      len(lat), slow, insync, errors, where)
PY
}

: >"$work/results"
order=(b a base) # the first round starts with (b), the longest, so every later window is held as long
# SCENARIOS="b" runs only those (to look into one of them; the comparison needs all three)
if [[ -n "${SCENARIOS:-}" ]]; then read -r -a order <<<"$SCENARIOS"; fi
for n in $(seq 1 "$runs"); do
  for s in "${order[@]}"; do
    run "$s" "$n"
    tail -n 1 "$work/results" | awk -v n="$n" '{ printf "  run %d %-4s failed %s, max %s ms, p99 %s ms, >1s %s, no-write %s s, duration %s ms, max lag %s B / %s s (above --max-lag %s s, from %s s), %s tx, subscriber in step %s (apply errors %s)\n", n, $1, $2, $3, $4, $11, $5, $6, $7, $8, $9, $14, $10, ($12 == 1 ? "yes" : "NO"), $13 }'
    # the backfill's own account: batches, pauses and its longest batch (the unit "above --max-lag" is held to)
    if [[ $s == b ]]; then sed -n 's/^backfill of .* done: /           backfill: /p' "$work/b_$n/migrate.out"; fi
    if [[ $s != a ]]; then cat "$work/${s}_$n/why"; fi
  done
  order=("${order[@]:1}" "${order[0]}") # rotate: no scenario always follows the same one
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
name = {"base": "(0) no migration", "a": "(a) ALTER COLUMN TYPE", "b": "(b) expand/contract"}
med = {}
for s in ("base", "a", "b"):
    r = [x for x in rows if x[0] == s]
    if not r:
        continue
    m = [statistics.median(float(x[i]) for x in r) for i in range(1, 11)]
    med[s] = m
    broken = sum(1 for x in r if x[11] != "1")
    print(f"{name[s]:24} medians of {len(r)}: failed {m[0]:g}, max latency {m[1]:g} ms, p99 {m[2]:g} ms, over 1 s {m[9]:g} tx,"
          f" no-write {m[3]:g} s, duration {m[4] / 1000:.1f} s, subscriber max lag {m[5] / 1048576:.1f} MB / {m[6]:g} s,"
          f" above --max-lag {m[7]:g} s; subscriber out of step after {broken} of {len(r)} runs")
if len(med) < 3:
    sys.exit(0)
b, a, z = med["b"], med["a"], med["base"]
print(f"ratios: (b)/(a) max latency {b[1] / a[1]:.2f}x, no-write {b[3] / a[3] if a[3] else 0:.2f}x, duration {b[4] / a[4]:.2f}x;"
      f" (b) max latency minus the baseline's: {b[1] - z[1]:.0f} ms (lock_timeout 2000 ms)")
PY
