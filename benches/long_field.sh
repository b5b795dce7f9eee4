#!/usr/bin/env bash
# Benchmark (not a test): `run` on a two-session practice whose one client name is N bytes
# long, for growing N. Text layout that is linear in the text keeps the time flat past the
# cost of reading; one that measures every candidate line grows with the square of N.
# Usage: benches/long_field.sh [BINARY] [SIZES IN KiB...]   (default: the release build;
# 64 256 1024 5120)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/practice-report}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(64 256 1024 5120)
[ "$bin" != target/release/practice-report ] || cargo build --release -q
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
printf 'session_id,submitted,soreness_hours,pain_followup,mobility,satisfaction,comment\n' >"$dir/feedback.csv"
for kib in "${sizes[@]}"; do
  name=$(python3 -c "print('Ann' + 'é' * ($kib * 1024 // 2))")
  {
    echo "session_id,client_id,client_name,therapist,date,technique,body_region,duration_min,pain_before,pain_after,fee"
    echo "S1,C1,$name,Tom,2026-03-02,Dry needling,Neck,30,5,4,40"
    echo "S2,C1,,Tom,2026-03-09,Dry needling,Neck,30,4,3,40"
  } >"$dir/sessions.csv"
  secs=$( { /usr/bin/time -f '%e' timeout 600 "$bin" run -q --sessions "$dir/sessions.csv" \
    --feedback "$dir/feedback.csv" --out "$dir/out" >/dev/null; } 2>&1 | tail -n 1)
  echo "name of $kib KiB: run in ${secs} s"
done
