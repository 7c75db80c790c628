#!/usr/bin/env bash
# Benchmark `crmaudit audit` on a generated workspace.
#
#   scripts/bench.sh [--rows N] [--runs N] [--seed S] [--tables LIST] [--no-dedupe] [--regen]
#
# 1. builds the release binary and the data generator (examples/generate.rs),
# 2. generates a workspace with N contacts (default 1,000,000, seed 42) into
#    target/bench-data (target/bench-data-N-sS[-LIST] otherwise) unless already there;
#    --tables contacts,deals,... generates only those tables (default: all),
# 3. runs `crmaudit audit DIR --no-progress --format json > /dev/null` R times (default 5)
#    under /usr/bin/time and prints each run's wall time and peak RSS, then the medians.
#
# Besides wall time and peak RSS, each run's report gives the rule pass without entity matching
# (timings.checks_ms - timings.dedupe_ms) and entity matching (DQ202) alone.
# --no-dedupe audits with [rules.DQ202] enabled = false (entity matching off).
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
no_dedupe=0

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
        --no-dedupe) no_dedupe=1; shift ;;
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

config="$data/crmaudit.toml"
if (( no_dedupe )); then
    # Beside the original, so the table paths (relative to the config) still resolve.
    config="$data/crmaudit-no-dedupe.toml"
    { cat "$data/crmaudit.toml"; printf '\n[rules.DQ202]\nenabled = false\n'; } >"$config"
fi

secs=()
mibs=()
rules_s=()
dedupe_s=()
echo "==> $runs run(s): $bin audit $data --config $config --no-progress --format json > /dev/null"
printf '%5s  %10s  %14s  %10s  %10s  %s\n' run wall_s peak_rss_mib rules_s dedupe_s status
for (( i = 1; i <= runs; i++ )); do
    status=0
    /usr/bin/time -f '%e %M' -o "$tmp/time" \
        "$bin" audit "$data" --config "$config" --no-progress --format json \
        >"$tmp/report.json" 2>"$tmp/stderr" || status=$?
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
    # The report's timings: the rule pass without entity matching, and entity matching.
    read -r rs ds < <(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["timings"]
print("%.2f %.2f" % ((t["checks_ms"] - t.get("dedupe_ms", 0)) / 1000, t.get("dedupe_ms", 0) / 1000))
' "$tmp/report.json")
    secs+=("$wall")
    mibs+=("$mib")
    rules_s+=("$rs")
    dedupe_s+=("$ds")
    note=""
    (( status == 1 )) && note="(exit 1: audit failed)"
    printf '%5d  %10s  %14s  %10s  %10s  %s\n' "$i" "$wall" "$mib" "$rs" "$ds" "$note"
done

median() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END {
            if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.2f", m
        }'
}

printf '%5s  %10s  %14s  %10s  %10s\n' median "$(median "${secs[@]}")" "$(median "${mibs[@]}")" \
    "$(median "${rules_s[@]}")" "$(median "${dedupe_s[@]}")"
