#!/usr/bin/env bash
# Benchmark (not a test): reading 1,000,000 sessions from an .xlsx beside the same rows as
# CSV, in one run: `practice-report validate` (every row checked, rejects.csv written) on each,
# median of 3, with peak RSS. The workbook is made once from the sample's CSV with openpyxl
# (write-only), numbers as number cells and dates as date cells, as a clinic system writes
# them. Needs: python3 with openpyxl (pip install openpyxl). Usage: benches/xlsx.sh [SESSIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
data=target/bench-data/$n
bin=target/release/practice-report
cargo build --release -q
if [ ! -f "$data/sessions.csv" ]; then
  "$bin" sample --sessions "$n" --seed 1 --out "$data" -q
fi
if [ ! -f "$data/sessions.xlsx" ]; then
  python3 - "$data" <<'PY'
import csv, datetime, sys, openpyxl
data = sys.argv[1]
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("Sessions")
numbers = {"duration_min", "pain_before", "pain_after", "fee"}
with open(f"{data}/sessions.csv", newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    header = next(rows)
    ws.append(header)
    for r in rows:
        out = []
        for name, v in zip(header, r):
            if v and name in numbers:
                out.append(float(v))
            elif v and name == "date":
                out.append(datetime.date.fromisoformat(v[:10]))
            else:
                out.append(v)
        ws.append(out)
wb.save(f"{data}/sessions.xlsx")
PY
fi
out=$(mktemp -d)
time_of() {
  { /usr/bin/time -f '%e %M' "$bin" validate --sessions "$1" --feedback "$data/feedback.csv" \
      --out "$out" -q; } 2>&1 | tail -n 1
}
csv=(); xlsx=()
for _ in 1 2 3; do
  csv+=("$(time_of "$data/sessions.csv")")
  xlsx+=("$(time_of "$data/sessions.xlsx")")
done
median() { printf '%s\n' "$@" | cut -d' ' -f1 | sort -n | sed -n 2p; }
peak() { printf '%s\n' "$@" | cut -d' ' -f2 | sort -n | tail -n 1; }
csv_s=$(median "${csv[@]}"); xlsx_s=$(median "${xlsx[@]}")
echo "input: $n sessions ($(du -h "$data/sessions.csv" | cut -f1) CSV, $(du -h "$data/sessions.xlsx" | cut -f1) xlsx)"
echo "validate, sessions from CSV:  ${csv_s} s (median of 3), peak RSS $(( $(peak "${csv[@]}") / 1024 )) MB"
echo "validate, sessions from xlsx: ${xlsx_s} s (median of 3), peak RSS $(( $(peak "${xlsx[@]}") / 1024 )) MB"
python3 -c "print(f'ratio xlsx / CSV: {${xlsx_s} / ${csv_s}:.1f}x')"
rm -rf "$out"
