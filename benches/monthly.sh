#!/usr/bin/env bash
# Benchmark (not a test): `practice-report monthly` end to end (validation included) on a
# 1,000,000-session sample beside DuckDB running the same groupings, in one run.
# Needs: python3 with duckdb (pip install duckdb). Usage: benches/monthly.sh [SESSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
data=target/bench-data/$n
bin=target/release/practice-report
cargo build --release -q
if [ ! -f "$data/sessions.csv" ]; then
  "$bin" sample --sessions "$n" --seed 1 --out "$data" -q
fi
month=$(tail -n 1 "$data/sessions.csv" | cut -d, -f5 | cut -c1-7)
out=$(mktemp -d)
ours=(); theirs=()
for _ in 1 2 3; do
  ours+=("$( { /usr/bin/time -f '%e %M' "$bin" monthly --month "$month" --sessions "$data/sessions.csv" \
      --feedback "$data/feedback.csv" --out "$out" -q; } 2>&1 | tail -n 1)")
  theirs+=("$(python3 benches/duckdb_monthly.py "$data" "$month")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
our_s=$(median "$(echo "${ours[0]}" | cut -d' ' -f1)" "$(echo "${ours[1]}" | cut -d' ' -f1)" "$(echo "${ours[2]}" | cut -d' ' -f1)")
our_kb=$(printf '%s\n' "${ours[@]}" | cut -d' ' -f2 | sort -n | tail -n 1)
duck_s=$(median "${theirs[@]}")
echo "input: $n sessions, month $month"
echo "practice-report monthly (validation + figures + JSON + PDF): ${our_s} s (median of 3), peak RSS $((our_kb / 1024)) MB"
echo "DuckDB (load, latest feedback, the same groupings):         ${duck_s} s (median of 3)"
python3 -c "print(f'ratio practice-report / DuckDB: {${our_s} / ${duck_s}:.2f}x')"
rm -rf "$out"
