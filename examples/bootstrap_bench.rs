//! Times the seeded bootstrap alone: 2,000 replicates over 100,000 units of four components
//! (the shape of CLV's accounts), with the statistic CLV uses. Run by `scripts/bench-kpi.sh`.
//!
//! ```text
//! cargo run --release --example bootstrap_bench -- [UNITS] [SAMPLES] [RUNS]
//! ```

use std::time::Instant;

use crmaudit::kpi::stats::bootstrap::bootstrap;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let units_n = args.next().flatten().unwrap_or(100_000);
    let samples = args.next().flatten().unwrap_or(2_000);
    let runs = args.next().flatten().unwrap_or(5);
    // Deterministic synthetic accounts: MRR 100..2,100, active 80%, churned 20%, 1-36 months.
    let units: Vec<[f64; 4]> = (0..units_n)
        .map(|i| {
            let h = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
            let churned = h.is_multiple_of(5);
            let mrr = 100.0 + (h % 2_000) as f64;
            [
                if churned { 0.0 } else { mrr },
                (!churned) as u8 as f64,
                churned as u8 as f64,
                1.0 + (h % 36) as f64,
            ]
        })
        .collect();
    let stat =
        |s: &[f64; 4], _: usize| (s[1] > 0.0 && s[2] > 0.0).then(|| (s[0] / s[1]) / (s[2] / s[3]));
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let b = bootstrap(&units, samples, 42, 0.95, stat).expect("an interval");
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        println!("{ms:9.1} ms  interval {:.2} .. {:.2}", b.low, b.high);
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "median {:.1} ms for {samples} replicates over {units_n} units ({} threads)",
        times[times.len() / 2],
        rayon::current_num_threads()
    );
}
