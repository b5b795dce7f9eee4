#!/usr/bin/env bash
# Benchmark (not a test): how long `clients` takes, on an N-session sample, before the first
# summary is rendered: the time until clients-FROM_TO.csv (written after all the figures and
# before any PDF) appears. The run is stopped there. Usage:
# benches/clients_first.sh [SESSIONS] [BINARY] [DIR]   (default 1,000,000, the release build
# and target/bench-data/SESSIONS, made with seed 1 when missing)
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
csv="$out/clients-2025-01-01_2026-10-31.csv"
start=$(date +%s.%N)
"$bin" clients --from 2025-01-01 --to 2026-10-31 --sessions "$data/sessions.csv" \
  --feedback "$data/feedback.csv" --out "$out" -q &
pid=$!
while [ ! -f "$csv" ] && kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
end=$(date +%s.%N)
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
clients=$(($(wc -l <"$csv") - 1))
python3 -c "print(f'input: $n sessions; {$clients:,} clients; {$end - $start:.2f} s before the first summary')"
