#!/usr/bin/env bash
# Audit speed: generates a 60-migration project (Bulwark format: tables with cascading and
# restricting foreign keys, indexes, backfills, type changes, each with a down) and times
# `bulwark audit` on it in each output format, JVM start included. Budget: 5 s without --trace.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-60}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/migrations"
printf -- '-- bulwark:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n-- bulwark:down\nDROP TABLE users;\n' \
  > "$work/migrations/0001_users.sql"
for ((i = 2; i <= n; i++)); do
  v=$(printf '%04d' "$i")
  case $((i % 5)) in
    0) up="CREATE TABLE t$i (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id) ON DELETE CASCADE, at timestamp);"
       down="DROP TABLE t$i;";;
    1) up="CREATE INDEX users_email_${i}_idx ON users (email);"; down="DROP INDEX users_email_${i}_idx;";;
    2) up="ALTER TABLE users ADD COLUMN c$i text;
UPDATE users SET c$i = email;"; down="ALTER TABLE users DROP COLUMN c$i;";;
    3) up="CREATE TABLE payments_$i (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT);"
       down="DROP TABLE payments_$i;";;
    4) up="ALTER TABLE users ALTER COLUMN email TYPE varchar(200);"; down="";;
  esac
  printf -- '-- bulwark:up\n%s\n-- bulwark:down\n%s\n' "$up" "$down" > "$work/migrations/${v}_m$i.sql"
done
"$here/bulwark" --version >/dev/null   # builds the jar if needed, outside the timing
for fmt in json markdown html; do
  s=$(date +%s.%N)
  "$here/bulwark" audit "$work" -o "$fmt" --fail-on low > "$work/audit.$fmt" || true
  e=$(date +%s.%N)
  printf 'bulwark audit %d migrations, %-8s %.2f s wall (%d problems, %d bytes)\n' "$n" "$fmt:" "$(echo "$e - $s" | bc)" \
    "$(grep -c '"rule" :' "$work/audit.json" 2>/dev/null || echo 0)" "$(wc -c < "$work/audit.$fmt")"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
