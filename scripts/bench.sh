#!/usr/bin/env bash
# Benchmark `crmaudit audit` on a generated workspace.
#
#   scripts/bench.sh [--rows N] [--runs N] [--seed S] [--tables LIST] [--regen]
#
# 1. builds the release binary and the data generator (examples/generate.rs),
# 2. generates a workspace with N contacts (default 1,000,000, seed 42) into
#    target/bench-data (target/bench-data-N-sS[-LIST] otherwise) unless already there;
#    --tables contacts,deals,... generates only those tables (default: all),
# 3. runs `crmaudit audit DIR --no-progress --format json > /dev/null` R times (default 5)
#    under /usr/bin/time and prints each run's wall time and peak RSS, then the medians.
#
# --regen deletes and regenerates the data (e.g. after changing the generator).
# Honours CARGO_TARGET_DIR. Needs GNU time at /usr/bin/time (Debian: apt-get install time).

set -euo pipefail

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
}

rows=1000000
runs=5
seed=42
regen=0
tables=all

is_count() { [[ $1 =~ ^[0-9]+$ ]] && (( 10#$1 > 0 )); }

while (( $# > 0 )); do
    case "$1" in
        --rows) rows="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --rows=*) rows="${1#*=}"; shift ;;
        --runs|-n) runs="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --runs=*) runs="${1#*=}"; shift ;;
        --seed) seed="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --seed=*) seed="${1#*=}"; shift ;;
        --tables) tables="${2:-}"; shift 2 || { usage >&2; exit 2; } ;;
        --tables=*) tables="${1#*=}"; shift ;;
        --regen) regen=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done

rows="${rows//_/}"
is_count "$rows" || { echo "bench.sh: --rows must be a positive integer, got '$rows'" >&2; exit 2; }
is_count "$runs" || { echo "bench.sh: --runs must be a positive integer, got '$runs'" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "bench.sh: --seed must be a non-negative integer, got '$seed'" >&2; exit 2; }
[[ $tables =~ ^[a-z_]+(,[a-z_]+)*$ ]] || { echo "bench.sh: --tables must be a comma-separated list, got '$tables'" >&2; exit 2; }

if [[ ! -x /usr/bin/time ]]; then
    echo "bench.sh: /usr/bin/time (GNU time) not found; install it, e.g. 'apt-get install time'" >&2
    exit 1
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/crmaudit"
gen="$target/release/examples/generate"

if (( rows == 1000000 && seed == 42 )) && [[ $tables == all ]]; then
    data="$target/bench-data"
else
    data="$target/bench-data-$rows-s$seed"
    [[ $tables == all ]] || data="$data-${tables//,/-}"
fi

echo "==> cargo build --release (crmaudit + generator)"
cargo build --release --bin crmaudit --example generate

if (( regen )) && [[ -d $data ]]; then
    echo "==> removing $data"
    rm -rf -- "$data"
fi

if [[ -f $data/crmaudit.toml && -f $data/contacts.csv ]]; then
    echo "==> using existing $data"
else
    echo "==> generating $rows contacts (seed $seed, tables: $tables) into $data"
    rm -rf -- "$data.tmp"
    gen_start=$(date +%s.%N)
    "$gen" --rows "$rows" --seed "$seed" --tables "$tables" --out "$data.tmp"
    gen_end=$(date +%s.%N)
    rm -rf -- "$data"
    mv -- "$data.tmp" "$data"
    awk -v a="$gen_start" -v b="$gen_end" 'BEGIN { printf "    generated in %.2f s\n", b - a }'
fi
du -sh -- "$data" | awk '{ print "    data size " $1 }'

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

secs=()
mibs=()
echo "==> $runs run(s): $bin audit $data --no-progress --format json > /dev/null"
printf '%5s  %10s  %14s  %s\n' run wall_s peak_rss_mib status
for (( i = 1; i <= runs; i++ )); do
    status=0
    /usr/bin/time -f '%e %M' -o "$tmp/time" \
        "$bin" audit "$data" --no-progress --format json >/dev/null 2>"$tmp/stderr" || status=$?
    # GNU time writes "Command exited with non-zero status N" before the format line.
    last=$(tail -n 1 "$tmp/time")
    read -r wall kib <<<"$last"
    # crmaudit exits 0 (audit passed) or 1 (audit failed); 2 is an error, >= 126 a crash.
    if [[ ! $wall =~ ^[0-9.]+$ || ! $kib =~ ^[0-9]+$ ]] || (( status > 1 )); then
        echo "bench.sh: run $i failed (status $status):" >&2
        cat "$tmp/time" >&2
        tail -n 20 "$tmp/stderr" >&2
        exit 1
    fi
    mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
    secs+=("$wall")
    mibs+=("$mib")
    note=""
    (( status == 1 )) && note="(exit 1: audit failed)"
    printf '%5d  %10s  %14s  %s\n' "$i" "$wall" "$mib" "$note"
done

median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.2f", m
        }'
}

printf '%5s  %10s  %14s\n' median "$(median "${secs[@]}")" "$(median "${mibs[@]}")"
