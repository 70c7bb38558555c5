#!/usr/bin/env bash
# Kills Bulwark (the real CLI, a separate process) with SIGKILL at N random instants and checks what
# the next run finds. Three modes:
#
#   migrate (default): `bulwark migrate` over migrations mixing transactional DDL, DML in a
#     no-transaction migration, CONCURRENTLY builds and drops, and destructive statements, also at
#     every step boundary the crash points mark; after each kill the next plain `bulwark migrate`
#     must finish with every effect exactly once. MigrateCrashIT.
#   deploy: `bulwark deploy` (half of them failing, so kills also land in the rollback) over a
#     DELETE, a non-idempotent UPDATE and a no-transaction migration; after each kill, status says
#     whether the journal is unfinished, migrate refuses while it is, and `deploy --resume` finishes
#     it; the rows must then be exactly as before the deploy or exactly as deployed.
#     DeployCrashIT#random*.
#   restore: `backup restore` (with and without its safety backup) and `backup verify --drill` of an
#     encrypted backup; after each kill and after the next backup command: no plaintext file, no
#     bulwark_restoring_*/bulwark_drill_* database, the target intact or fully restored (and a
#     restore run again finishes it). BackupRestoreCrashIT#random*.
#   backfill: `bulwark backfill` of a non-idempotent SET (n = n + 1) over 20,000 rows, killed when a random number
#     of rows is done and run again until it finishes, round after round on a fresh table; every row must end
#     updated exactly once. BackfillCrashIT#sigkill*.
#
# Prints: kills, double-applied, lost rows, runs needing a human (goal 0, 0, 0) and the rate.
#
# Usage: [SWEEP=none] [MAVEN_OFFLINE=1] bench/crash.sh [migrate|deploy|restore|backfill] [N] [SEED]
#   N defaults to 200; SEED replays a run (it is printed either way). SWEEP applies to migrate only.
set -euo pipefail
mode=migrate
if [[ "${1:-}" =~ ^(migrate|deploy|restore|backfill)$ ]]; then
  mode="$1"
  shift
fi
n="${1:-200}"
seed="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); mode $mode, $n random kills"
args=(-B -pl bulwark-cli -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
      -Dfailsafe.failIfNoSpecifiedTests=false)
case "$mode" in
  migrate)
    # SWEEP=all (default) also kills at every step boundary of a run; SWEEP=none runs the random kills only
    sweep="${SWEEP:-all}"
    tests="MigrateCrashIT"
    [[ "$sweep" == "none" ]] && tests="MigrateCrashIT#random*"
    args+=(-Dit.test="$tests" -Dcrash.kills="$n" -Dcrash.sweep="$sweep")
    report="bulwark-cli/target/failsafe-reports/dev.bulwark.cli.crash.MigrateCrashIT-output.txt"
    pattern="MigrateCrashIT"
    ;;
  deploy)
    args+=(-Dit.test="DeployCrashIT#random*" -Dcrash.deploy.kills="$n")
    report="bulwark-cli/target/failsafe-reports/dev.bulwark.cli.DeployCrashIT-output.txt"
    pattern="DeployCrashIT random|deploy random kills"
    ;;
  backfill)
    args+=(-Dit.test="BackfillCrashIT#sigkill*" -Dcrash.backfill.kills="$n")
    report="bulwark-cli/target/failsafe-reports/dev.bulwark.cli.crash.BackfillCrashIT-output.txt"
    pattern="backfill random kills"
    ;;
  restore)
    args+=(-Dit.test="BackupRestoreCrashIT#random*" -Dcrash.restore.kills="$n")
    report="bulwark-cli/target/failsafe-reports/dev.bulwark.cli.crash.BackupRestoreCrashIT-output.txt"
    pattern="backup restore"
    ;;
esac
[[ -n "$seed" ]] && args+=(-Dcrash.seed="$seed")
[[ -n "${MAVEN_OFFLINE:-}" ]] && args+=(-o)
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
start=$(date +%s)
mvn "${args[@]}" >"$log" 2>&1 || status=$?
grep -hE "$pattern" "$report" "$log" 2>/dev/null | grep -E "seed|sweep|random|kills" | grep -v 'after [0-9]* of' | sort -u || true
if (( status != 0 )); then
  grep -E "Tests run|FAIL|double-applied|applied twice|lost|needs a human|needing a human|invalid index|history:|plaintext|leftover" "$log" | head -40 >&2
  echo "bench/crash.sh: some kills were not finished cleanly (see above; full log: mvn ${args[*]})" >&2
  exit 1
fi
echo "wall time $(( $(date +%s) - start )) s (build included); load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
