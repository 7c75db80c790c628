#!/usr/bin/env bash
# Benchmark fuzzy duplicate detection (`crmaudit dedupe`) on generated labelled contacts.
#
#   scripts/bench-dedupe.sh [--rows LIST] [--runs N] [--seed S] [--regen]
#
# 1. builds the release binary and the data generator (examples/generate.rs),
# 2. for each size in LIST (default 100000,1000000) generates labelled contacts with
#    `generate --dedupe-truth` into target/bench-dedupe-N-sS unless already there,
# 3. runs `crmaudit dedupe FILE --truth entity_id` R times (default 5) under
#    /usr/bin/time and prints each run's wall time, CPU time and peak RSS, then the medians,
#    with the pairwise precision, recall, F1 and blocking recall of the run (the same each time:
#    the output is deterministic).
#
# The machine's load average is printed before each size: other builds on the same cores
# slow the wall time (the CPU time shows the work itself).
# --regen deletes and regenerates the data. Honours CARGO_TARGET_DIR. Needs GNU time at
# /usr/bin/time (Debian: apt-get install time).

set -euo pipefail

usage() {
    sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
}

sizes=100000,1000000
runs=5
seed=42
regen=0

is_count() { [[ $1 =~ ^[0-9]+$ ]] && (( 10#$1 > 0 )); }

while (( $# > 0 )); do
    case "$1" in
        --rows) sizes="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --rows=*) sizes="${1#*=}"; shift ;;
        --runs|-n) runs="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --runs=*) runs="${1#*=}"; shift ;;
        --seed) seed="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --seed=*) seed="${1#*=}"; shift ;;
        --regen) regen=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench-dedupe.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

sizes="${sizes//_/}"
[[ $sizes =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "bench-dedupe.sh: --rows must be a comma-separated list of counts, got '$sizes'" >&2; exit 2; }
is_count "$runs" || { echo "bench-dedupe.sh: --runs must be a positive integer, got '$runs'" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "bench-dedupe.sh: --seed must be a non-negative integer, got '$seed'" >&2; exit 2; }
for tool in /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-dedupe.sh: $tool not found" >&2; exit 1; }
done

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/crmaudit"
gen="$target/release/examples/generate"

echo "==> cargo build --release (crmaudit + generator)"
cargo build --release --bin crmaudit --example generate

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.2f", m
        }'
}

IFS=, read -r -a rows_list <<<"$sizes"
for rows in "${rows_list[@]}"; do
    data="$target/bench-dedupe-$rows-s$seed"
    if (( regen )) && [[ -d $data ]]; then
        rm -rf -- "$data"
    fi
    if [[ -f $data/contacts.csv ]]; then
        echo "==> using existing $data"
    else
        echo "==> generating $rows labelled contacts (seed $seed) into $data"
        rm -rf -- "$data.tmp"
        "$gen" --dedupe-truth --rows "$rows" --seed "$seed" --out "$data.tmp"
        rm -rf -- "$data"
        mv -- "$data.tmp" "$data"
    fi
    echo "==> $rows rows, $runs run(s): $bin dedupe $data/contacts.csv --truth entity_id > out.txt"
    echo "    load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%5s  %10s  %10s  %14s\n' run wall_s cpu_s peak_rss_mib
    secs=(); cpus=(); mibs=()
    for (( i = 1; i <= runs; i++ )); do
        status=0
        /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" \
            "$bin" dedupe "$data/contacts.csv" --truth entity_id \
            >"$tmp/out.txt" 2>"$tmp/stderr" || status=$?
        last=$(tail -n 1 "$tmp/time")
        read -r wall user sys kib <<<"$last"
        if (( status != 0 )) || [[ ! $wall =~ ^[0-9.]+$ ]]; then
            echo "bench-dedupe.sh: run $i failed (status $status):" >&2
            cat "$tmp/time" >&2
            tail -n 20 "$tmp/stderr" >&2
            exit 1
        fi
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
        mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
        secs+=("$wall"); cpus+=("$cpu"); mibs+=("$mib")
        printf '%5d  %10s  %10s  %14s\n' "$i" "$wall" "$cpu" "$mib"
    done
    printf '%5s  %10s  %10s  %14s\n' median "$(median "${secs[@]}")" "$(median "${cpus[@]}")" "$(median "${mibs[@]}")"
    # The summary lines and the accuracy block of the text output.
    sed -n '2,3p' "$tmp/out.txt"
    grep -A2 '^Accuracy against' "$tmp/out.txt"
done
