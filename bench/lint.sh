#!/usr/bin/env bash
# Lint speed and memory against squawk, on a corpus whose schema grows the way real projects do
# (bench/lint-corpus.awk: hundreds of tables, foreign keys between them, self-referencing trees,
# cascades, indexes built and dropped, later changes to earlier tables).
#
# For 500, 1,000 and 2,000 migrations (each corpus is the first N files of the same sequence) it
# runs, interleaved (bulwark, squawk, bulwark, squawk, ...), RUNS (default 5) rounds and prints
# the medians of wall time, both as whole processes: `bulwark lint` (the CLI jar through the
# ./bulwark launcher, JVM start included) and squawk (npm package squawk-cli, its native binary
# called directly, so node's start is not counted against it). Then: bulwark/squawk ratio,
# bulwark's peak memory (max RSS, /usr/bin/time), time(2,000)/time(1,000), whether
# `java -Xmx256m` lints the 2,000 files, and the machine's load before and after.
#
# squawk is installed with npm into $BULWARK_BENCH_CACHE (default ~/.cache/bulwark-bench) when
# absent; SQUAWK=/path/to/squawk uses that one instead.
# Goals (issue 12): 2,000 files at or under squawk's time, peak <= 300 MB, time ratio <= 2.1.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-5}"
sizes=(500 1000 2000)
cache="${BULWARK_BENCH_CACHE:-$HOME/.cache/bulwark-bench}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v /usr/bin/time >/dev/null || { echo "bench/lint.sh needs /usr/bin/time (Debian: apt-get install time)" >&2; exit 2; }

# ---- squawk --------------------------------------------------------------------------------
squawk="${SQUAWK:-}"
if [[ -z "$squawk" ]]; then
  native="$(ls "$cache"/squawk/node_modules/@squawk-cli/*/bin/squawk 2>/dev/null | head -n1 || true)"
  if [[ -z "$native" ]]; then
    echo "installing squawk-cli with npm into $cache/squawk ..." >&2
    mkdir -p "$cache/squawk"
    npm install --silent --no-audit --no-fund --prefix "$cache/squawk" squawk-cli >/dev/null 2>&1 || true
    native="$(ls "$cache"/squawk/node_modules/@squawk-cli/*/bin/squawk 2>/dev/null | head -n1 || true)"
  fi
  squawk="${native:-$cache/squawk/node_modules/.bin/squawk}"
fi
[[ -x "$squawk" ]] || { echo "squawk could not be installed (npm install squawk-cli); set SQUAWK=/path/to/squawk" >&2; exit 2; }

# ---- corpus --------------------------------------------------------------------------------
for n in "${sizes[@]}"; do
  mkdir -p "$work/c$n"
  awk -v dir="$work/c$n" -v n="$n" -f "$here/bench/lint-corpus.awk"
done
tables=$(grep -l '^CREATE TABLE' "$work"/c2000/*.sql | wc -l)
self=$(grep -l 'parent_id bigint REFERENCES' "$work"/c2000/*.sql | wc -l)
fks=$(grep -c 'REFERENCES' "$work"/c2000/*.sql | awk -F: '{s += $2} END {print s}')
later=$(grep -l -E '^(ALTER TABLE|CREATE INDEX CONCURRENTLY|DROP INDEX|UPDATE|DROP TABLE)' "$work"/c2000/*.sql | wc -l)
echo "corpus: 2,000 Flyway migrations: $tables CREATE TABLE ($self self-referencing trees), $fks foreign keys, $later migrations change earlier tables"

"$here/bulwark" --version >/dev/null   # builds the jar if needed, outside the timing
echo "bulwark: $("$here/bulwark" --version 2>&1 | head -n1), launcher defaults (${BULWARK_JAVA_OPTS:-"-XX:+UseSerialGC -XX:TieredStopAtLevel=1"}); java: $(java -version 2>&1 | head -n1)"
echo "squawk:  $("$squawk" --version 2>&1 | head -n1) ($squawk)"
echo "machine: $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# run <name> <n> <cmd...>: appends "wall_seconds max_rss_kb cpu_seconds" to $work/<name>-<n>
run() {
  local name=$1 n=$2 s e rc
  shift 2
  s=$(date +%s.%N)
  set +e
  /usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  e=$(date +%s.%N)
  # 0: clean, 1: findings (both tools). Anything else is a crash: the figures would mean nothing.
  if (( rc > 1 )); then
    echo "$name on $n files exited $rc:" >&2
    tail -n 5 "$work/err" >&2
    exit 1
  fi
  read -r rss user sys < <(tail -n1 "$work/rss")
  echo "$(echo "$e - $s" | bc) $rss $(echo "$user + $sys" | bc)" >>"$work/$name-$n"
}

for ((r = 1; r <= runs; r++)); do
  for n in "${sizes[@]}"; do
    run bulwark "$n" "$here/bulwark" lint "$work/c$n" --migration-format flyway
    run squawk "$n" "$squawk" "$work/c$n"/*.sql
  done
done

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
declare -A tb ts mb cb cs
printf '\n%-6s %12s %12s %8s %14s %14s %14s\n' files "bulwark s" "squawk s" ratio "bulwark peak" "bulwark cpu s" "squawk cpu s"
for n in "${sizes[@]}"; do
  tb[$n]=$(cut -d' ' -f1 "$work/bulwark-$n" | median)
  ts[$n]=$(cut -d' ' -f1 "$work/squawk-$n" | median)
  mb[$n]=$(cut -d' ' -f2 "$work/bulwark-$n" | sort -n | tail -n1)
  cb[$n]=$(cut -d' ' -f3 "$work/bulwark-$n" | median)
  cs[$n]=$(cut -d' ' -f3 "$work/squawk-$n" | median)
  printf '%-6s %12.2f %12.2f %8.2f %11.0f MB %14.2f %14.2f\n' "$n" "${tb[$n]}" "${ts[$n]}" "$(echo "${tb[$n]} / ${ts[$n]}" | bc -l)" \
    "$(echo "${mb[$n]} / 1024" | bc -l)" "${cb[$n]}" "${cs[$n]}"
done
echo "(medians of $runs interleaved runs of wall time and of CPU time (user + sys, all threads); peak = the largest max RSS"
echo " of bulwark's runs, JVM included. On a loaded machine wall time is the machine's; the goals use wall time.)"
growth=$(echo "${tb[2000]} / ${tb[1000]}" | bc -l)
sgrowth=$(echo "${ts[2000]} / ${ts[1000]}" | bc -l)
printf 'time(2,000)/time(1,000): bulwark %.2f, squawk %.2f\n' "$growth" "$sgrowth"

set +e
BULWARK_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1" "$here/bulwark" lint "$work/c2000" \
  --migration-format flyway >"$work/out" 2>"$work/err"
small=$?
set -e
if (( small <= 1 )); then
  echo "java -Xmx256m lints the 2,000 files: yes (exit $small, $(tail -n1 "$work/out"))"
else
  echo "java -Xmx256m lints the 2,000 files: NO (exit $small: $(tail -n1 "$work/err"))"
fi

ratio=$(echo "${tb[2000]} / ${ts[2000]}" | bc -l)
verdict() { if (( $(echo "$1" | bc -l) )); then echo met; else echo MISSED; fi; }
echo "goals: 2,000 files at or under squawk's time (ratio $(printf '%.2f' "$ratio") <= 1.0): $(verdict "$ratio <= 1.0");" \
  "peak <= 300 MB ($(printf '%.0f' "$(echo "${mb[2000]} / 1024" | bc -l)") MB): $(verdict "${mb[2000]} <= 307200");" \
  "time(2,000)/time(1,000) <= 2.1 ($(printf '%.2f' "$growth")): $(verdict "$growth <= 2.1");" \
  "-Xmx256m: $( ((small <= 1)) && echo met || echo MISSED)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
