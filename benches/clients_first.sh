#!/usr/bin/env bash
# Benchmark (not a test): how long `clients` takes, on an N-session sample, before the first
# client summary is laid out (the first PDF to appear in the run's staging folder); the run
# is stopped there (benches/clients.sh measures summaries per second). Usage:
# benches/clients_first.sh [SESSIONS] [BINARY] [DIR] [month]   (default 1,000,000, the
# release build and target/bench-data/SESSIONS, made with seed 1 when missing; `month`: the
# latest month's clients, as `run` writes them, instead of every client since 2025-01-01)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
bin=${2:-target/release/practice-report}
[ "$bin" != target/release/practice-report ] || cargo build --release -q
data=${3:-target/bench-data/$n}
if [ ! -f "$data/sessions.csv" ]; then
  "$bin" sample --sessions "$n" --seed 1 --out "$data" -q
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ "${4:-}" = month ]; then
  span=(); name=clients-2026-10-01_2026-10-31.csv
else
  span=(--from 2025-01-01 --to 2026-10-31); name=clients-2025-01-01_2026-10-31.csv
fi
start=$(date +%s.%N)
"$bin" clients "${span[@]}" --sessions "$data/sessions.csv" \
  --feedback "$data/feedback.csv" --out "$out" -q &
pid=$!
# The outputs are staged in a hidden folder until the run commits them all.
first() { ls "$out"/.practice-report-staging-*/new/clients 2>/dev/null | head -n 1; }
while [ -z "$(first)" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
end=$(date +%s.%N)
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
whose='every client'; [ "${4:-}" != month ] || whose='the clients of the month'
python3 -c "print(f'input: $n sessions, $whose: {$end - $start:.2f} s before the first summary')"
