#!/usr/bin/env bash
# Kills `bulwark migrate` (the real jar, a separate process) with SIGKILL at N random instants
# (default 200) and at every step boundary the crash points mark, over migrations mixing
# transactional DDL, DML in a no-transaction migration, CONCURRENTLY builds and drops, and
# destructive statements; after each kill the next plain `bulwark migrate` must finish with every
# effect exactly once. Prints: kills, double-applied, lost rows, runs needing a human (goal 0, 0, 0).
#
# Usage: [SWEEP=none] [MAVEN_OFFLINE=1] bench/crash.sh [N] [SEED]   (SEED replays a run; it is printed either way)
# It is MigrateCrashIT with -Dcrash.kills=N -Dcrash.sweep=all; the suite runs the short version.
set -euo pipefail
n="${1:-200}"
seed="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# SWEEP=all (default) also kills at every step boundary of a run; SWEEP=none runs the random kills only
sweep="${SWEEP:-all}"
tests="MigrateCrashIT"
[[ "$sweep" == "none" ]] && tests="MigrateCrashIT#random*"
args=(-B -pl bulwark-cli -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
      -Dit.test="$tests" -Dfailsafe.failIfNoSpecifiedTests=false
      -Dcrash.kills="$n" -Dcrash.sweep="$sweep")
[[ -n "$seed" ]] && args+=(-Dcrash.seed="$seed")
[[ -n "${MAVEN_OFFLINE:-}" ]] && args+=(-o)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
mvn "${args[@]}" >"$log" 2>&1 || status=$?
report="bulwark-cli/target/failsafe-reports/dev.bulwark.cli.crash.MigrateCrashIT-output.txt"
grep -h "MigrateCrashIT" "$report" "$log" 2>/dev/null | grep -E "seed|sweep|random" | sort -u || true
if (( status != 0 )); then
  grep -E "Tests run|FAIL|double-applied|lost:|needs a human|invalid index|history:" "$log" | head -40 >&2
  echo "bench/crash.sh: some kills were not finished cleanly (see above; full log: mvn ${args[*]})" >&2
  exit 1
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
