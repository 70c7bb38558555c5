#!/usr/bin/env bash
# Rehearses 60 generated migrations (about 300 statements, each with a down) with `bulwark test`
# on the embedded server, embedded server start included, and prints the wall time against the
# issue's 15 s budget. Runs twice: a cold start (initdb of a new .bulwark/pgdata) and a warm one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap '"$here/bulwark" -C "$work" db stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/migrations"
statements=0
for i in $(seq 1 60); do
  v=$(printf '%03d' "$i")
  if (( i == 1 )); then
    up="CREATE TABLE t1 (id bigint PRIMARY KEY, name text);"; down="DROP TABLE t1;"; n=1
  else
    p=$((i - 1))
    up="CREATE TABLE t$i (id bigint PRIMARY KEY, parent_id bigint, amount integer, label varchar(20), created_at timestamptz DEFAULT now());
ALTER TABLE t$i ADD CONSTRAINT t${i}_parent_fk FOREIGN KEY (parent_id) REFERENCES t$p (id) NOT VALID;
ALTER TABLE t$i VALIDATE CONSTRAINT t${i}_parent_fk;
CREATE INDEX t${i}_parent_idx ON t$i (parent_id);
ALTER TABLE t$p ADD COLUMN note_$i text;"
    down="ALTER TABLE t$p DROP COLUMN note_$i;
DROP TABLE t$i;"
    n=5
  fi
  printf -- '-- bulwark:up\n%s\n\n-- bulwark:down\n%s\n' "$up" "$down" > "$work/migrations/${v}_step_${i}.sql"
  statements=$((statements + n))
done
"$here/bulwark" --version >/dev/null   # build the jar outside the timings

run() {
  local t0 t1
  t0=$(date +%s%3N)
  "$here/bulwark" -C "$work" test --sample-rows 5 > "$work/out.txt" 2>&1 || { cat "$work/out.txt" >&2; exit 1; }
  t1=$(date +%s%3N)
  echo $((t1 - t0))
}
cold=$(run)
warm=$(run)
tail -1 "$work/out.txt"
awk -v s="$statements" -v c="$cold" -v w="$warm" 'BEGIN {
  printf "rehearsed:          60 migrations, %d statements, each with an up, a down and the up again\n", s
  printf "cold (initdb+start): %6.2f s  = %.2f of the 15 s budget\n", c / 1000, c / 15000
  printf "warm (start only):   %6.2f s  = %.2f of the 15 s budget\n", w / 1000, w / 15000
}'
