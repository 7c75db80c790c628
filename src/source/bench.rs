//! The 1M-row speed check, as an ignored test so it never slows the normal suite.
//!
//! Run in release mode, under `/usr/bin/time -v` for peak RSS:
//! `cargo test --release -- --ignored --nocapture read_1m_rows`
//!
//! It reads the file three times and prints the median. `CRMAUDIT_BENCH_RUNS=1` reads it once,
//! which is what to use for peak RSS: later reads in the same process reuse heap memory that
//! earlier tables left resident, which inflates the peak. `CRMAUDIT_BENCH_FILE=path` times
//! another copy of the data instead, e.g. the file converted to UTF-16 with `iconv`.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use super::{ReadOptions, read_table};

const BENCH_FILE: &str = "/tmp/crmaudit-bench-1m.csv";
const ROWS: usize = 1_000_000;

/// Writes a CRM-like export: 15 columns, ~150 bytes a row, some quoted cells with commas, some
/// non-ASCII. Deterministic so timings are comparable between runs.
fn generate(path: &Path) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "id,first_name,last_name,email,phone,company,title,city,country,created_at,\
         updated_at,amount,stage,owner,notes"
    )?;
    let first = ["Anna", "Zoë", "Marc", "Léa", "John", "Priya", "Chen", "Olu"];
    let last = [
        "Smith", "Müller", "Dubois", "Rossi", "Nguyen", "Okafor", "García",
    ];
    let stages = ["lead", "qualified", "proposal", "won", "lost"];
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    for i in 0..ROWS {
        // xorshift: cheap, deterministic variety.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let f = first[(x % 8) as usize];
        let l = last[(x >> 8) as usize % 7];
        let notes = if x.is_multiple_of(5) {
            "\"called, left voicemail\""
        } else {
            "follow up next week"
        };
        writeln!(
            out,
            "{i},{f},{l},{}.{}{i}@example.com,+33 1 {:02} {:02} {:02} {:02},Acme {},Manager,\
             Paris,FR,2024-{:02}-{:02},2025-01-15,{}.{:02},{},owner{},{notes}",
            f.to_lowercase(),
            l.to_lowercase(),
            x % 100,
            (x >> 7) % 100,
            (x >> 14) % 100,
            (x >> 21) % 100,
            (x >> 3) % 1000,
            (x >> 5) % 12 + 1,
            (x >> 9) % 28 + 1,
            (x >> 11) % 100_000,
            (x >> 13) % 100,
            stages[(x >> 17) as usize % 5],
            (x >> 19) % 50,
        )?;
    }
    out.flush()
}

#[test]
#[ignore = "benchmark: run with --release --ignored"]
fn read_1m_rows() {
    let custom = std::env::var_os("CRMAUDIT_BENCH_FILE");
    let path = custom.as_deref().map_or(Path::new(BENCH_FILE), Path::new);
    if !path.exists() {
        generate(path).unwrap();
    }
    let size = std::fs::metadata(path).unwrap().len();
    let runs: usize = std::env::var("CRMAUDIT_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
        .max(1);
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let t = read_table(path, &ReadOptions::default()).unwrap();
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(t.rows(), ROWS);
        assert_eq!(t.columns.len(), 15);
        assert!(t.issues.is_empty());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "read_table: {:.1} MB, {ROWS} rows: runs {:?} s, median {:.3} s",
        size as f64 / 1e6,
        times,
        times[times.len() / 2]
    );
}
