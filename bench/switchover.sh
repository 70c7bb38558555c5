#!/usr/bin/env bash
# Blue-green on this machine: two embedded PostgreSQL servers with wal_level = logical, blue holding a pgbench
# database of ROWS accounts (pgbench_history given a key so it can be replicated). Prints:
#   initial sync: `bulwark replicate start` until every table is ready, whole process, then green's
#                 pg_subscription_rel polled with psql every 100 ms, once with each initial copy:
#                   parallel      (the default) Bulwark copies the rows of the slot's exported snapshot over
#                                 --jobs = processors connections, then subscribes with copy_data = false
#                   subscription  the subscription's own table synchronisation
#                 against the peer, `bulwark copy` of the same data into an empty database on green at its best
#                 settings (--jobs = processors, --no-verify: neither initial copy verifies either); RUNS of each,
#                 interleaved (copy, parallel, subscription, copy, ...), medians and ratios
#   steady lag:   the median of 5 samples (psql on blue: the slot's confirmed_flush_lsn, pg_stat_replication's
#                 replay_lag, as replicate status reads them) while pgbench writes to blue
#   switchover and rollback under pgbench, RUNS rounds of each: the write-unavailable window Bulwark measured
#                 (every run and the median), the client transactions pgbench reports failed or aborted, and rows
#                 lost (ids acknowledged on either side missing on the other once both settled)
# The load average is printed before each part and at the end: on a loaded machine, read no figure as a speed.
# Usage: bench/switchover.sh [ROWS]; RUNS=N for more or fewer rounds (default 5; fewer is a check, not a measure)
set -euo pipefail
rows="${1:-1000000}"
runs="${RUNS:-5}"
(( runs >= 5 )) || echo "RUNS=$runs: medians of fewer than 5 runs; a check of the script, not a measurement" >&2
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for tool in psql pgbench; do
  command -v "$tool" >/dev/null || { echo "bench/switchover.sh needs $tool (Debian: apt-get install postgresql-client postgresql-contrib)" >&2; exit 2; }
done
bw() { "$here/bulwark" "$@"; }
work="$(mktemp -d)"
trap 'bw -C "$work/blue" db stop >/dev/null 2>&1 || true; bw -C "$work/green" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/blue" "$work/green"
bw --version >/dev/null # builds the jar first, outside the timings
q() { psql -q -X -v ON_ERROR_STOP=1 "$@"; }
for side in blue green; do
  bw -C "$work/$side" db start >/dev/null
  u="$(bw -C "$work/$side" db url)"
  q "${u%/*}/postgres" -c "ALTER SYSTEM SET wal_level = logical" >/dev/null
  bw -C "$work/$side" db stop >/dev/null
  bw -C "$work/$side" db start >/dev/null
done
blue_base="$(bw -C "$work/blue" db url)"; blue_base="${blue_base%/*}"
green_base="$(bw -C "$work/green" db url)"; green_base="${green_base%/*}"
BLUE="$blue_base/shop"
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) processors"; }
echo "machine: $(load); rows $rows, runs $runs"
q "$blue_base/postgres" -c "CREATE DATABASE shop" >/dev/null
scale=$(( (rows + 99999) / 100000 ))
pgbench -q -i -s "$scale" "$BLUE" >/dev/null 2>&1
q "$BLUE" -c "ALTER TABLE pgbench_history ADD COLUMN id bigserial PRIMARY KEY" -c "VACUUM ANALYZE" >/dev/null
echo "blue: pgbench scale $scale ($(q "$BLUE" -At -c 'SELECT count(*) FROM pgbench_accounts') accounts, $(q "$BLUE" -At -c "SELECT pg_size_pretty(pg_database_size('shop'))"))"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
fresh_green() { PGOPTIONS='-c client_min_messages=warning' q "$green_base/postgres" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; }

: >"$work/copy.ms"; : >"$work/parallel.ms"; : >"$work/subscription.ms"
jobs=$(nproc)
ready() { # every table of green's subscription ready: the cheap poll, no JVM
  [ "$(q "$green_base/shop" -At -c "SELECT count(*) FILTER (WHERE srsubstate <> 'r') = 0 AND count(*) > 0 FROM pg_subscription_rel")" = t ]
}
echo "initial sync, before: $(load)"
for i in $(seq 1 "$runs"); do
  fresh_green copy_t
  t0=$(now_ms); bw copy --from "$BLUE" --to "$green_base/copy_t" --jobs "$jobs" --no-verify --progress lines >/dev/null
  echo $(( $(now_ms) - t0 )) >>"$work/copy.ms"
  for how in parallel subscription; do
    fresh_green shop
    t0=$(now_ms)
    bw replicate start --from "$BLUE" --to "$green_base/shop" --initial-copy "$how" --jobs "$jobs" >/dev/null
    until ready; do sleep 0.1; done
    echo $(( $(now_ms) - t0 )) >>"$work/$how.ms"
    bw replicate stop --from "$BLUE" --to "$green_base/shop" >/dev/null
  done
done
fresh_green shop # the pair for the rest of the bench, started with the default
bw replicate start --from "$BLUE" --to "$green_base/shop" >/dev/null
until ready; do sleep 0.1; done
c=$(median <"$work/copy.ms"); p=$(median <"$work/parallel.ms"); s=$(median <"$work/subscription.ms")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "initial sync, medians of $runs (ms): replicate start --initial-copy parallel ${p} (runs: $(paste -sd' ' "$work/parallel.ms")); --initial-copy subscription ${s} (runs: $(paste -sd' ' "$work/subscription.ms")); bulwark copy --jobs $jobs --no-verify ${c} (runs: $(paste -sd' ' "$work/copy.ms"))"
echo "initial sync ratios: parallel $(ratio "$p" "$c")x the copy's time, subscription $(ratio "$s" "$c")x; parallel / subscription $(ratio "$p" "$s")"
GREEN="$green_base/shop"

# steady state: pgbench's TPC-B-like script (updates 3 tables, inserts into history) on blue
echo "steady lag, before: $(load)"
pgbench -n -c 4 -T 20 "$BLUE" >"$work/pgb0.out" 2>&1 &
sleep 5
: >"$work/lag.b"; : >"$work/lag.s"
for i in 1 2 3 4 5; do
  q "$BLUE" -At -c "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = 'bulwark_replicate'" >>"$work/lag.b"
  q "$BLUE" -At -c "SELECT COALESCE(round(extract(epoch FROM replay_lag) * 1000), 0)::bigint FROM pg_stat_replication WHERE application_name = 'bulwark_replicate'" >>"$work/lag.s"
  sleep 1
done
wait
echo "steady lag under pgbench -c 4 ($(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$work/pgb0.out" | head -1) tps): median $(median <"$work/lag.b") bytes, $(median <"$work/lag.s") ms"

switch() { # $1 = switchover|rollback, $2 = the URL pgbench writes to before, $3 = after
  pgbench -n -c 4 -T 12 "$2" >"$work/$1.before" 2>&1 &
  local p=$!
  sleep 4
  bw replicate "$1" --from "$BLUE" --to "$GREEN" --grace 1s >"$work/$1.out" 2>&1 || { cat "$work/$1.out"; exit 1; }
  wait $p || true
  pgbench -n -c 4 -T 5 "$3" >"$work/$1.after" 2>&1 || true
  sleep 2
  local window aborted failed
  window=$(sed -n 's/.*Write-unavailable window: \([0-9]*\) ms.*/\1/p' "$work/$1.out")
  echo "$window" >>"$work/$1.windows"
  # a client whose session the fence ended aborts with its transaction in flight: one failed transaction each
  aborted=$(cat "$work/$1.before" "$work/$1.after" | grep -Ec 'client [0-9]+ .*aborted' || true)
  failed=$(cat "$work/$1.before" "$work/$1.after" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
  echo "$1: write-unavailable window ${window} ms; failed client transactions: $((aborted + failed)) ($aborted pgbench clients of 4 aborted when the fence ended their sessions, $failed failed otherwise); after the switch pgbench on the new primary: $(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/$1.after") transactions"
  grep '^fingerprints' "$work/$1.out" | sed 's/^/  /' || true # the full comparison before the fence, and what was compared while fenced
}
rows_lost() {
  q "$BLUE" -At -c "SELECT id FROM pgbench_history ORDER BY 1" | sort >"$work/b.ids"
  q "$GREEN" -At -c "SELECT id FROM pgbench_history ORDER BY 1" | sort >"$work/g.ids"
  local lost=$(( $(comm -23 "$work/b.ids" "$work/g.ids" | wc -l) + $(comm -13 "$work/b.ids" "$work/g.ids" | wc -l) ))
  echo "$lost" >>"$work/lost"
  echo "rows lost: $(comm -23 "$work/b.ids" "$work/g.ids" | wc -l) on blue only, $(comm -13 "$work/b.ids" "$work/g.ids" | wc -l) on green only ($(wc -l <"$work/b.ids") history rows)"
}
: >"$work/switchover.windows"; : >"$work/rollback.windows"; : >"$work/lost"
echo "switchover and rollback, before: $(load)"
for i in $(seq 1 "$runs"); do
  echo "round $i:"
  switch switchover "$BLUE" "$GREEN"
  rows_lost
  switch rollback "$GREEN" "$BLUE"
  rows_lost
done
echo "write-unavailable window, median of $runs: switchover $(median <"$work/switchover.windows") ms (runs: $(paste -sd' ' "$work/switchover.windows")), rollback $(median <"$work/rollback.windows") ms (runs: $(paste -sd' ' "$work/rollback.windows")); rows lost in all: $(awk '{ s += $1 } END { print s + 0 }' "$work/lost")"
echo "after: $(load)"
bw replicate stop --from "$BLUE" --to "$GREEN" >/dev/null
