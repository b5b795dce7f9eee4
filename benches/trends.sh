#!/usr/bin/env bash
# Benchmark (not a test): `trends` beside `monthly` on the same 1,000,000-session sample, in
# one run, alternating, three times each. Prints each command's median wall time, its peak
# memory, and the ratio trends / monthly. Usage: benches/trends.sh [SESSIONS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
bin=${2:-target/release/practice-report}
[ "$bin" != target/release/practice-report ] || cargo build --release -q
data=target/bench-data/$n
if [ ! -f "$data/sessions.csv" ]; then
  "$bin" sample --sessions "$n" --seed 1 --out "$data" -q
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
declare -A secs kb
for _ in 1 2 3; do
  for cmd in monthly trends; do
    read -r s k < <({ /usr/bin/time -f '%e %M' "$bin" "$cmd" --month 2026-10 \
      --sessions "$data/sessions.csv" --feedback "$data/feedback.csv" --out "$out" -q; } 2>&1 | tail -n 1)
    secs[$cmd]+="$s "
    kb[$cmd]=$k
  done
done
median() { tr ' ' '\n' | grep . | sort -n | sed -n 2p; }
m=$(echo "${secs[monthly]}" | median)
t=$(echo "${secs[trends]}" | median)
echo "input: $n sessions"
echo "monthly: median ${m} s of (${secs[monthly]% }), peak RSS $((kb[monthly] / 1024)) MB"
echo "trends:  median ${t} s of (${secs[trends]% }), peak RSS $((kb[trends] / 1024)) MB"
python3 -c "print(f'trends / monthly: {$t / $m:.2f}x')"
