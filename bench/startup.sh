#!/usr/bin/env bash
# Start-up: whole processes, interleaved A,B,A,B…, medians of RUNS (default 5), the machine's load printed.
#   bulwark --version, bulwark lint of 5 files, bulwark status on the embedded sample (server already running:
#   the JVM and the command, not PostgreSQL's start), each with and without the class-data archive
#   (BULWARK_CDS=0 turns it off), and squawk (npm squawk-cli, its native binary called directly) on the same 5 files.
# squawk-cli is installed into ${XDG_CACHE_HOME:-~/.cache}/bulwark-bench/squawk when absent (or set SQUAWK=path).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-5}"
work="$(mktemp -d)"
cleanup() { "$here/bulwark" -C "$work/sample" db stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# the corpus: 5 real migrations of the flyway example
mkdir -p "$work/five"
ls "$here/examples/flyway-payments/sql"/*.sql | head -n 5 | xargs -I{} cp {} "$work/five/"
cp -r "$here/examples/shop" "$work/sample"

"$here/bulwark" --version >/dev/null                # builds the jar and its archive if needed, outside the timing
"$here/bulwark" -C "$work/sample" db start >/dev/null
"$here/bulwark" -C "$work/sample" migrate >/dev/null

squawk="${SQUAWK:-}"
if [[ -z "$squawk" ]]; then
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-bench/squawk"
  native() { find "$cache/node_modules/@squawk-cli" -type f -name squawk -perm -u+x 2>/dev/null | head -n 1; }
  if [[ -z "$(native)" ]]; then
    mkdir -p "$cache"
    (cd "$cache" && npm install --silent --no-audit --no-fund squawk-cli >/dev/null 2>&1) || true
  fi
  squawk="$(native)"
  [[ -n "$squawk" ]] || squawk="$cache/node_modules/.bin/squawk"
fi
[[ -x "$squawk" ]] || { echo "squawk: could not be installed with npm (squawk-cli); set SQUAWK=/path/to/squawk" >&2; exit 2; }

names=(version-cds version-nocds lint5-cds lint5-nocds status-cds status-nocds squawk5)
cmd() {
  case "$1" in
    version-cds) "$here/bulwark" --version ;;
    version-nocds) BULWARK_CDS=0 "$here/bulwark" --version ;;
    lint5-cds) "$here/bulwark" -C "$work" lint "$work/five" --migration-format flyway ;;
    lint5-nocds) BULWARK_CDS=0 "$here/bulwark" -C "$work" lint "$work/five" --migration-format flyway ;;
    status-cds) "$here/bulwark" -C "$work/sample" status ;;
    status-nocds) BULWARK_CDS=0 "$here/bulwark" -C "$work/sample" status ;;
    squawk5) "$squawk" "$work"/five/*.sql ;;
  esac
}
declare -A times
for ((r = 1; r <= runs; r++)); do
  for n in "${names[@]}"; do
    s=$(date +%s%N)
    cmd "$n" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    times[$n]+="$(( (e - s) / 1000000 )) "
  done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A med
echo "start-up, medians of $runs interleaved runs (ms):"
for n in "${names[@]}"; do
  med[$n]=$(median "${times[$n]}")
  printf '  %-14s %6d ms   (runs: %s)\n' "$n" "${med[$n]}" "${times[$n]% }"
done
ratio() { echo "scale=2; $1 / $2" | bc; }
echo "archive speed-up (no archive / archive): --version $(ratio "${med[version-nocds]}" "${med[version-cds]}")x," \
  "lint $(ratio "${med[lint5-nocds]}" "${med[lint5-cds]}")x, status $(ratio "${med[status-nocds]}" "${med[status-cds]}")x"
echo "lint of 5 files vs squawk ($("$squawk" --version 2>/dev/null | head -n 1)): bulwark/squawk wall time" \
  "$(ratio "${med[lint5-cds]}" "${med[squawk5]}")x with the archive, $(ratio "${med[lint5-nocds]}" "${med[squawk5]}")x without (goal: <= 3x)"
echo "java: $(java -version 2>&1 | head -n 1); cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
