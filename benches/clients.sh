#!/usr/bin/env bash
# Benchmark (not a test): client progress summaries for about 10,000 clients of a `sample`
# data set, end to end (validation, figures, one PDF per client, the CSV). Prints PDFs per
# second and the peak memory. Usage: benches/clients.sh [SESSIONS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-60000}
data=target/bench-data/$n
bin=${2:-target/release/practice-report}
[ "$bin" != target/release/practice-report ] || cargo build --release -q
if [ ! -f "$data/sessions.csv" ]; then
  "$bin" sample --sessions "$n" --seed 1 --out "$data" -q
fi
out=$(mktemp -d)
read -r secs kb < <({ /usr/bin/time -f '%e %M' "$bin" clients --from 2025-01-01 --to 2026-10-31 \
  --sessions "$data/sessions.csv" --feedback "$data/feedback.csv" --out "$out" -q; } 2>&1 | tail -n 1)
pdfs=$(find "$out/clients" -name '*.pdf' | wc -l)
echo "input: $n sessions; $pdfs client summaries in ${secs} s (end to end), peak RSS $((kb / 1024)) MB"
python3 -c "print(f'{$pdfs / $secs:.0f} PDFs per second end to end')"
rm -rf "$out"
