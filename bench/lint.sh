#!/usr/bin/env bash
# Lint speed: generates a corpus of migration files with mixed statements, times `bulwark lint`
# on 500 and on 2,000 files (JVM start included), and, when squawk-cli can be installed with
# npm, lints the same 2,000 files with squawk and prints the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gen() { # gen <dir> <count>
  mkdir -p "$1"
  printf 'CREATE TABLE t0 (id bigint PRIMARY KEY, a text, b int);\n' > "$1/V1__init.sql"
  for ((i = 2; i <= $2; i++)); do
    case $((i % 6)) in
      0) s="CREATE TABLE t$i (id bigint PRIMARY KEY, t0_id bigint REFERENCES t0 (id) ON DELETE CASCADE, at timestamp);";;
      1) s="CREATE INDEX t0_a_${i}_idx ON t0 (a);";;
      2) s="ALTER TABLE t0 ADD COLUMN c$i text;
ALTER TABLE t0 ALTER COLUMN b SET NOT NULL;";;
      3) s="UPDATE t0 SET a = 'x' WHERE id = $i;
ALTER TABLE t0 ADD CONSTRAINT c_$i CHECK (b > 0) NOT VALID;";;
      4) s="CREATE INDEX CONCURRENTLY IF NOT EXISTS t0_b_${i}_idx ON t0 (b);";;
      5) s="ALTER TABLE t0 ALTER COLUMN a TYPE varchar(50);
DROP INDEX IF EXISTS t0_a_${i}_idx;";;
    esac
    printf '%s\n' "$s" > "$1/V${i}__m$i.sql"
  done
}
gen "$work/c500" 500
gen "$work/c2000" 2000
"$here/bulwark" --version >/dev/null   # builds the jar if needed, outside the timing
time_it() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
t500=$(time_it "$here/bulwark" lint "$work/c500" --migration-format flyway)
t2000=$(time_it "$here/bulwark" lint "$work/c2000" --migration-format flyway)
printf 'bulwark lint   500 files: %.2f s wall (%.0f files/s)\n' "$t500" "$(echo "500 / $t500" | bc -l)"
# A short-lived CLI gains from C1-only compilation and the serial collector (less JIT and GC start-up work).
fast=$(BULWARK_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" time_it "$here/bulwark" lint "$work/c500" --migration-format flyway)
printf 'bulwark lint   500 files: %.2f s wall with BULWARK_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"\n' "$fast"
printf 'bulwark lint 2,000 files: %.2f s wall (%.0f files/s)\n' "$t2000" "$(echo "2000 / $t2000" | bc -l)"
squawk="${SQUAWK:-}"
if [[ -z "$squawk" ]]; then
  if (cd "$work" && npm install --silent --no-audit --no-fund squawk-cli >/dev/null 2>&1); then
    squawk="$work/node_modules/.bin/squawk"
  fi
fi
if [[ -n "$squawk" && -x "$squawk" ]]; then
  ts=$(time_it "$squawk" "$work"/c2000/*.sql)
  printf 'squawk       2,000 files: %.2f s wall (%.0f files/s); bulwark/squawk time ratio %.2f\n' "$ts" \
    "$(echo "2000 / $ts" | bc -l)" "$(echo "$t2000 / $ts" | bc -l)"
else
  echo "squawk: could not be installed with npm here (squawk-cli), no comparison"
fi
echo "cores: $(nproc), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
