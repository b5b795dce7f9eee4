#!/usr/bin/env bash
# Benchmark (not a test): a whole chain's year on one machine. Makes the 10,000,000-session
# sample once (seed 3, ~1.3 GB), then times `validate`, `monthly` and `techniques`, best of
# two each, `monthly` and `techniques` beside DuckDB (best of two) loading the same files and
# running the same groupings (one month, twelve months), with peak memory; then `clients` up
# to the first summary for the month's clients of the 10,000,000-session sample and for every
# client of the 1,000,000-session one (benches/clients_first.sh), and client PDFs per second
# end to end (benches/clients.sh).
# Needs python3 with duckdb (pip install duckdb). Usage: benches/scale.sh [SESSIONS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000000}
bin=${2:-target/release/practice-report}
[ "$bin" != target/release/practice-report ] || cargo build --release -q
data=target/bench-data/$n-seed3
if [ ! -f "$data/sessions.csv" ]; then
  "$bin" sample --sessions "$n" --seed 3 --out "$data" -q
fi
month=2026-10
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
once() {
  { /usr/bin/time -f '%e %M' "$bin" "$@" --sessions "$data/sessions.csv" \
    --feedback "$data/feedback.csv" --out "$out" -q; } 2>&1 | tail -n 1
}
# Best of two: the lower time, the higher peak.
timed() {
  read -r s1 k1 < <(once "$@")
  read -r s2 k2 < <(once "$@")
  python3 -c "print(min($s1, $s2), max($k1, $k2))"
}
duck() {
  python3 -c "print(min($(python3 benches/duckdb_monthly.py "$data" "$month" "$1"), \
    $(python3 benches/duckdb_monthly.py "$data" "$month" "$1")))"
}
echo "input: $n sessions ($(du -sh "$data" | cut -f1))"
read -r s kb < <(timed validate)
echo "validate:   ${s} s, peak RSS $((kb / 1024)) MB"
for cmd in monthly techniques; do
  if [ "$cmd" = monthly ]; then
    read -r s kb < <(timed monthly --month "$month"); months=1
  else
    read -r s kb < <(timed techniques); months=12
  fi
  d=$(duck "$months")
  python3 -c "print(f'$cmd: ${s} s, peak RSS $((kb / 1024)) MB; DuckDB ${d} s; ratio {${s} / ${d}:.2f}x')"
done
benches/clients_first.sh "$n" "$bin" "$data" month
benches/clients_first.sh 1000000 "$bin"
benches/clients.sh 60000 "$bin"
