#!/usr/bin/env bash
# Benchmark the KPI stage (intervals and bootstraps included) on a generated workspace.
#
#   scripts/bench-kpi.sh [--rows N] [--runs N] [--seed S] [--regen]
#
# 1. builds the release binary and the data generator (examples/generate.rs),
# 2. generates the companies, subscriptions and deals of N contacts (default 500,000, seed 42)
#    into target/bench-kpi-N-sS unless already there: N/5 accounts (100,000 by default), one
#    subscription each, and 2N/5 deals. CLV then runs a 2,000-sample bootstrap over the
#    100,000 accounts, sales growth another over the accounts with won deals;
# 3. runs `crmaudit kpi DIR --no-progress --format json` R times (default 5) under
#    /usr/bin/time and prints, per run, the KPI stage's own time (`timings.kpi_ms` of the
#    report), the whole command's wall time and its peak RSS, then the medians;
# 4. times the bootstrap alone (examples/bootstrap_bench.rs): 2,000 replicates over 100,000
#    units, R runs, and prints the median.
#
# --regen deletes and regenerates the data. Honours CARGO_TARGET_DIR. Needs GNU time at
# /usr/bin/time (Debian: apt-get install time).

set -euo pipefail

usage() {
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}

rows=500000
runs=5
seed=42
regen=0

is_count() { [[ $1 =~ ^[0-9]+$ ]] && (( 10#$1 > 0 )); }

while (( $# > 0 )); do
    case "$1" in
        --rows) rows="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --rows=*) rows="${1#*=}"; shift ;;
        --runs|-n) runs="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --runs=*) runs="${1#*=}"; shift ;;
        --seed) seed="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --seed=*) seed="${1#*=}"; shift ;;
        --regen) regen=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench-kpi.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

rows="${rows//_/}"
is_count "$rows" || { echo "bench-kpi.sh: --rows must be a positive integer, got '$rows'" >&2; exit 2; }
is_count "$runs" || { echo "bench-kpi.sh: --runs must be a positive integer, got '$runs'" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "bench-kpi.sh: --seed must be a non-negative integer, got '$seed'" >&2; exit 2; }

if [[ ! -x /usr/bin/time ]]; then
    echo "bench-kpi.sh: /usr/bin/time (GNU time) not found; install it, e.g. 'apt-get install time'" >&2
    exit 1
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/crmaudit"
gen="$target/release/examples/generate"
data="$target/bench-kpi-$rows-s$seed"

echo "==> cargo build --release (crmaudit + generator)"
cargo build --release --bin crmaudit --example generate --example bootstrap_bench

if (( regen )) && [[ -d $data ]]; then
    rm -rf -- "$data"
fi
if [[ -f $data/crmaudit.toml && -f $data/subscriptions.csv ]]; then
    echo "==> using existing $data"
else
    echo "==> generating companies, subscriptions and deals of $rows contacts (seed $seed) into $data"
    rm -rf -- "$data.tmp"
    "$gen" --rows "$rows" --seed "$seed" --tables companies,subscriptions,deals --out "$data.tmp"
    rm -rf -- "$data"
    mv -- "$data.tmp" "$data"
fi
accounts=$(( $(wc -l < "$data/subscriptions.csv") - 1 ))
echo "    $accounts subscriptions (accounts), $(( $(wc -l < "$data/deals.csv") - 1 )) deals"

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

kpis=()
secs=()
mibs=()
echo "==> $runs run(s): $bin kpi $data --no-progress --format json"
printf '%5s  %10s  %10s  %14s\n' run kpi_ms wall_s peak_rss_mib
for (( i = 1; i <= runs; i++ )); do
    status=0
    /usr/bin/time -f '%e %M' -o "$tmp/time" \
        "$bin" kpi "$data" --no-progress --format json >"$tmp/report.json" 2>"$tmp/stderr" || status=$?
    last=$(tail -n 1 "$tmp/time")
    read -r wall kib <<<"$last"
    kpi_ms=$(grep -o '"kpi_ms": *[0-9]*' "$tmp/report.json" | grep -o '[0-9]*$' || true)
    if [[ -z $kpi_ms || ! $wall =~ ^[0-9.]+$ ]] || (( status > 1 )); then
        echo "bench-kpi.sh: run $i failed (status $status):" >&2
        cat "$tmp/time" >&2
        tail -n 20 "$tmp/stderr" >&2
        exit 1
    fi
    mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
    kpis+=("$kpi_ms")
    secs+=("$wall")
    mibs+=("$mib")
    printf '%5d  %10s  %10s  %14s\n' "$i" "$kpi_ms" "$wall" "$mib"
done

median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.2f", m
        }'
}

printf '%5s  %10s  %10s  %14s\n' median "$(median "${kpis[@]}")" "$(median "${secs[@]}")" "$(median "${mibs[@]}")"
grep -o '"method": *"bootstrap[^"]*"' "$tmp/report.json" | sort -u | sed 's/^/    /'

echo "==> the bootstrap alone: 2,000 replicates over 100,000 four-component units, $runs run(s)"
"$target/release/examples/bootstrap_bench" 100000 2000 "$runs"
