//! Trends from the history store: the overall score per run, then small multiples, one line per
//! table score and one per KPI with its statistical interval as a band (and whiskers where the
//! runs are few enough to tell apart). Every run the model carries is a point, oldest first,
//! this run last; x is labelled by the as-of date, with the run id where two shown runs share
//! a date (the same data audited twice). Inline SVG in the style of `charts.rs`: a `<title>`
//! per chart and per point, axis labels, data escaped by maud.

use maud::{Markup, html};

use crate::kpi::format;

use super::super::AuditReport;
use super::super::history::{HistorySummary, KpiPoint, RunPoint};
use super::super::view;
use super::charts::{self, GRID, INK, MUTED, PASS, n};

/// At most this many x labels on the overall chart, and on a small multiple.
const LABELS: usize = 10;
const SMALL_LABELS: usize = 3;
/// Whiskers per point up to this many runs; past it the band alone shows the interval.
const WHISKERS: usize = 30;

pub fn section(report: &AuditReport) -> Markup {
    let Some(history) = report.history.as_ref().filter(|h| !h.points.is_empty()) else {
        return html! {};
    };
    let points = &history.points;
    let last = points.last().expect("not empty");
    let kpis: Vec<&KpiPoint> = last
        .kpis
        .iter()
        .filter(|k| {
            points
                .iter()
                .any(|p| kpi_of(p, &k.id).is_some_and(|x| x.value.is_some()))
        })
        .collect();
    let level = points
        .iter()
        .flat_map(|p| &p.kpis)
        .find_map(|k| k.ci.as_ref().map(|c| c.level))
        .unwrap_or(0.95);
    html! {
        section #trends {
            h2 { "Trends" }
            p.lede {
                @if history.runs > points.len() {
                    "The last " (points.len()) " of the " (format::count(history.runs)) " runs in the history store "
                } @else {
                    (crate::wording::plural(points.len(), "run", "runs")) " in the history store "
                }
                code { (history.store) } ", oldest first; this run (run " (history.run_id) ") is the last point. "
                "Runs audited with the same as-of date carry their run id under the date."
            }
            h3 { "Overall score" }
            figure { (score_trend(history)) }
            h3 { "Table scores" }
            p.why {
                "One chart per table of this run, each on its own scale (the axis says where it starts), "
                "so that a small move shows; a flat line did not move."
            }
            div.multiples {
                @for (i, t) in last.tables.iter().enumerate() {
                    figure.multiple.table-trend id=(format!("trend-table-{i}-{}", view::slug(&t.name))) {
                        (table_trend(points, &t.name))
                    }
                }
            }
            @if !kpis.is_empty() {
                h3 { "KPIs" }
                p.why {
                    "Each KPI per run in its unit, on its own scale; the shaded band is its "
                    (format!("{:.0}%", level * 100.0)) " statistical interval in each run."
                }
                div.multiples {
                    @for (i, k) in kpis.iter().enumerate() {
                        figure.multiple.kpi-trend id=(format!("trend-kpi-{i}-{}", view::slug(&k.id))) {
                            (kpi_trend(points, k))
                        }
                    }
                }
                div.legend {
                    span { svg width="26" height="14" viewBox="0 0 26 14" { title { "value per run" } line x1="2" x2="24" y1="7" y2="7" stroke=(PASS) stroke-width="2" {} } "value per run" }
                    span { span.swatch style=(format!("background:{PASS};opacity:.25")) {} (format!("{:.0}% statistical interval", level * 100.0)) }
                    span { svg width="14" height="14" viewBox="0 0 14 14" { title { "value" } circle cx="7" cy="7" r="4" fill=(PASS) {} } "value, coloured by grade (blue high, orange medium, vermillion low)" }
                }
            }
        }
    }
}

fn kpi_of<'a>(point: &'a RunPoint, id: &str) -> Option<&'a KpiPoint> {
    point.kpis.iter().find(|k| k.id == id)
}

/// A run's x label: its as-of date, and `run N` when another run carried here has that date.
fn labels(points: &[RunPoint]) -> Vec<(String, Option<String>)> {
    points
        .iter()
        .map(|p| {
            let repeated = points
                .iter()
                .filter(|q| q.as_of == p.as_of)
                .nth(1)
                .is_some();
            (
                p.as_of.clone(),
                repeated.then(|| format!("run {}", p.run_id)),
            )
        })
        .collect()
}

/// The runs that get an x label, at most `max`: evenly spread, the first and the last (this
/// run) always. Past `max` runs, labels stand at least two runs apart, so that two neighbours'
/// labels never print over each other.
fn labelled(len: usize, max: usize) -> Vec<usize> {
    if len <= max {
        return (0..len).collect();
    }
    let shown = max.min((len - 1) / 2 + 1).max(2);
    let mut out: Vec<usize> = (0..shown)
        .map(|k| ((k * (len - 1)) as f64 / (shown - 1) as f64).round() as usize)
        .collect();
    out.dedup();
    out
}

/// x of run `i` of `len` across `left..left + width` (a single run sits in the middle).
fn x_at(i: usize, len: usize, left: f64, width: f64) -> f64 {
    if len <= 1 {
        left + width / 2.0
    } else {
        left + width * i as f64 / (len - 1) as f64
    }
}

fn tip(p: &RunPoint) -> String {
    format!("run {} · as of {}", p.run_id, p.as_of)
}

/// X labels under a plot whose bottom is `y`: the date, and the run id on a second line.
fn x_labels(points: &[RunPoint], max: usize, left: f64, width: f64, y: f64) -> Markup {
    let all = labels(points);
    let len = points.len();
    html! {
        @for i in labelled(len, max) {
            @let (date, run) = &all[i];
            @let x = x_at(i, len, left, width);
            // The first and last labels of a small chart hug its edges instead of being cut.
            @let anchor = if len > 1 && max <= SMALL_LABELS && i == 0 { "start" } else if len > 1 && max <= SMALL_LABELS && i == len - 1 { "end" } else { "middle" };
            line x1=(n(x)) x2=(n(x)) y1=(n(y)) y2=(n(y + 4.0)) stroke="#b9c0c8" {}
            text x=(n(x)) y=(n(y + 15.0)) text-anchor=(anchor) class="axis" { (date) }
            @if let Some(run) = run {
                text x=(n(x)) y=(n(y + 27.0)) text-anchor=(anchor) class="axis" { (run) }
            }
        }
    }
}

/// The overall score per run.
fn score_trend(history: &HistorySummary) -> Markup {
    let left = 56.0;
    let plot_w = 640.0;
    let plot_h = 180.0;
    let top = 20.0;
    let width = left + plot_w + 30.0;
    let height = top + plot_h + 58.0;
    let runs = &history.points;
    let lo = runs.iter().map(|r| r.score).fold(100.0, f64::min);
    let floor = ((lo - 1.0) / 5.0).floor().clamp(0.0, 19.0) * 5.0;
    let x = |i: usize| x_at(i, runs.len(), left, plot_w);
    let y = |s: f64| top + plot_h * (1.0 - (s - floor) / (100.0 - floor));
    let points: Vec<String> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{},{}", n(x(i)), n(y(r.score))))
        .collect();
    html! {
        svg width=(n(width)) height=(n(height)) viewBox=(format!("0 0 {} {}", n(width), n(height)))
            role="img" aria-labelledby="trend-title" {
            title id="trend-title" { "Overall score per run" }
            @for i in 0..=4 {
                @let s = floor + (100.0 - floor) * i as f64 / 4.0;
                line x1=(n(left)) x2=(n(left + plot_w)) y1=(n(y(s))) y2=(n(y(s))) stroke=(GRID) {}
                text x=(n(left - 6.0)) y=(n(y(s) + 4.0)) text-anchor="end" class="axis" { (charts::tick_label(s, "points")) }
            }
            text x="12" y=(n(top + plot_h / 2.0)) text-anchor="middle" class="axis"
                transform=(format!("rotate(-90 12 {})", n(top + plot_h / 2.0))) { "overall score" }
            polyline points=(points.join(" ")) fill="none" stroke=(PASS) stroke-width="2.5" {}
            @for (i, r) in runs.iter().enumerate() {
                circle cx=(n(x(i))) cy=(n(y(r.score))) r="4" fill=(PASS) {
                    title { (tip(r)) ": " (view::score(r.score)) }
                }
            }
            (x_labels(runs, LABELS, left, plot_w, top + plot_h))
            text x=(n(left + plot_w / 2.0)) y=(n(height - 4.0)) text-anchor="middle" class="axis" { "run (as-of date)" }
        }
    }
}

/// A round step that cuts `span` into about three.
fn step_for(span: f64) -> f64 {
    let raw = (span / 3.0).max(1e-9);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&v| v >= raw - 1e-12)
        .unwrap_or(10.0 * p)
}

/// An axis around `lo..hi` on round steps, kept inside `min..max`: (low, high, ticks).
fn axis(lo: f64, hi: f64, min: f64, max: f64, least_span: f64) -> (f64, f64, Vec<f64>) {
    let (mut lo, mut hi) = (lo, hi);
    if hi - lo < least_span {
        let mid = (lo + hi) / 2.0;
        lo = mid - least_span / 2.0;
        hi = mid + least_span / 2.0;
    }
    let step = step_for(hi - lo);
    let mut low = (lo / step).floor() * step;
    let mut high = (hi / step).ceil() * step;
    if high > max {
        high = max;
    }
    if low < min {
        low = min;
    }
    if high - low < step {
        high = (low + step).min(max);
        low = high - step;
    }
    let mut ticks = Vec::new();
    let mut t = (low / step).ceil() * step;
    while t <= high + step * 1e-6 {
        ticks.push(t);
        t += step;
    }
    (low, high, ticks)
}

/// The frame of a small multiple: width, plot box, and the header line's two texts.
struct Small {
    width: f64,
    height: f64,
    left: f64,
    top: f64,
    plot_w: f64,
    plot_h: f64,
}

const SMALL: Small = Small {
    width: 350.0,
    height: 160.0,
    left: 50.0,
    top: 34.0,
    plot_w: 284.0,
    plot_h: 82.0,
};

/// A grid line and label per tick, on the left.
fn y_axis(ticks: &[f64], y: impl Fn(f64) -> f64, label: impl Fn(f64) -> String) -> Markup {
    let s = &SMALL;
    html! {
        @for t in ticks {
            line x1=(n(s.left)) x2=(n(s.left + s.plot_w)) y1=(n(y(*t))) y2=(n(y(*t))) stroke=(GRID) {}
            text x=(n(s.left - 6.0)) y=(n(y(*t) + 4.0)) text-anchor="end" class="axis" style="font-size:10px" { (label(*t)) }
        }
    }
}

/// Consecutive runs that have a value, as polyline point lists: a run without one is a gap.
fn segments(values: &[Option<(f64, f64)>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for v in values {
        match v {
            Some((x, y)) => current.push(format!("{},{}", n(*x), n(*y))),
            None if !current.is_empty() => out.push(std::mem::take(&mut current).join(" ")),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    out
}

/// One table's score per run.
fn table_trend(points: &[RunPoint], name: &str) -> Markup {
    let s = &SMALL;
    let scores: Vec<Option<f64>> = points
        .iter()
        .map(|p| p.tables.iter().find(|t| t.name == name).map(|t| t.score))
        .collect();
    let known: Vec<f64> = scores.iter().flatten().copied().collect();
    let lo = known.iter().copied().fold(100.0, f64::min);
    let hi = known.iter().copied().fold(0.0, f64::max);
    let (low, high, ticks) = axis(lo, hi.max(lo), 0.0, 100.0, 2.0);
    let x = |i: usize| x_at(i, points.len(), s.left, s.plot_w);
    let y = |v: f64| s.top + s.plot_h * (1.0 - ((v - low) / (high - low)).clamp(0.0, 1.0));
    let current = scores.last().copied().flatten();
    let before = scores
        .iter()
        .rev()
        .skip(1)
        .flatten()
        .next()
        .copied()
        .filter(|_| scores.len() > 1);
    let line: Vec<Option<(f64, f64)>> = scores
        .iter()
        .enumerate()
        .map(|(i, v)| v.map(|v| (x(i), y(v))))
        .collect();
    html! {
        svg width=(n(s.width)) height=(n(s.height)) viewBox=(format!("0 0 {} {}", n(s.width), n(s.height))) role="img" {
            title { (name) " score per run" }
            text x="0" y="14" style="font-weight:600" { (view::truncate(name, 30)) }
            text x=(n(s.width - 4.0)) y="14" text-anchor="end" {
                @if let Some(c) = current { tspan style="font-weight:700" { (format!("{c:.1}")) } }
                @if let (Some(c), Some(b)) = (current, before) {
                    tspan class="axis" dx="6" { (format!("{:+.2}", c - b)) }
                }
            }
            text x="0" y="27" class="axis" style="font-size:10px" {
                "score (0-100) per run" @if before.is_some() { "; change since the run before" }
            }
            (y_axis(&ticks, y, |t| charts::tick_label(t, "points")))
            @for seg in segments(&line) {
                polyline points=(seg) fill="none" stroke=(PASS) stroke-width="2" {}
            }
            @for (i, (p, v)) in points.iter().zip(&scores).enumerate() {
                @if let Some(v) = v {
                    circle cx=(n(x(i))) cy=(n(y(*v))) r="3" fill=(PASS) {
                        title { (name) ", " (tip(p)) ": " (format!("{v:.2}")) }
                    }
                }
            }
            (x_labels(points, SMALL_LABELS, s.left, s.plot_w, s.top + s.plot_h))
        }
    }
}

/// One KPI's value per run, its interval as a band and whiskers.
fn kpi_trend(points: &[RunPoint], kpi: &KpiPoint) -> Markup {
    let s = &SMALL;
    let unit = kpi.unit.as_str();
    let series: Vec<Option<&KpiPoint>> = points
        .iter()
        .map(|p| kpi_of(p, &kpi.id).filter(|k| k.value.is_some()))
        .collect();
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for k in series.iter().flatten() {
        let seen = k
            .value
            .into_iter()
            .chain(k.ci.as_ref().map(|c| c.low))
            .chain(k.ci.as_ref().and_then(|c| c.high));
        for v in seen.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !lo.is_finite() {
        // Values only past every axis (an unbounded ratio): draw on 0-1, labels still say it.
        (lo, hi) = (0.0, 1.0);
    }
    let (min, max) = match unit {
        "percent" if lo >= 0.0 && hi <= 100.0 => (0.0, 100.0),
        "points" if lo >= -100.0 && hi <= 100.0 => (-100.0, 100.0),
        _ if lo >= 0.0 => (0.0, f64::INFINITY),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    };
    // Intervals give the axis its span; a KPI without one, flat over the runs, gets a tenth
    // of its size around it.
    let least = if hi > lo {
        0.0
    } else {
        (hi.abs() * 0.1).max(1.0)
    };
    let (low, high, ticks) = axis(lo, hi, min, max, least);
    let x = |i: usize| x_at(i, points.len(), s.left, s.plot_w);
    let y = |v: f64| s.top + s.plot_h * (1.0 - ((v - low) / (high - low)).clamp(0.0, 1.0));
    let line: Vec<Option<(f64, f64)>> = series
        .iter()
        .enumerate()
        .map(|(i, k)| k.and_then(|k| k.value).map(|v| (x(i), y(v))))
        .collect();
    // The band: low edge left to right, high edge back, over each run of consecutive intervals.
    let mut bands: Vec<String> = Vec::new();
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let close = |run: &mut Vec<(f64, f64, f64)>, bands: &mut Vec<String>| {
        if run.len() > 1 {
            let lower = run.iter().map(|(x, l, _)| format!("{},{}", n(*x), n(*l)));
            let upper = run
                .iter()
                .rev()
                .map(|(x, _, h)| format!("{},{}", n(*x), n(*h)));
            bands.push(lower.chain(upper).collect::<Vec<_>>().join(" "));
        }
        run.clear();
    };
    for (i, k) in series.iter().enumerate() {
        match k.and_then(|k| k.ci.as_ref()) {
            Some(ci) => run.push((x(i), y(ci.low), ci.high.map_or(s.top, &y))),
            None => close(&mut run, &mut bands),
        }
    }
    close(&mut run, &mut bands);
    let current = series.last().copied().flatten().and_then(|k| k.value);
    html! {
        svg width=(n(s.width)) height=(n(s.height)) viewBox=(format!("0 0 {} {}", n(s.width), n(s.height))) role="img" {
            title { (kpi.name) " per run, with its interval" }
            text x="0" y="14" style="font-weight:600" { (view::truncate(&kpi.name, 34)) }
            text x=(n(s.width - 4.0)) y="14" text-anchor="end" style="font-weight:700" {
                @match current { Some(v) => { (format::with_unit(v, unit)) } None => { "not computable now" } }
            }
            text x="0" y="27" class="axis" style="font-size:10px" { (kpi.id) " · " (unit) " per run" }
            (y_axis(&ticks, y, |t| charts::tick_label(t, unit)))
            @for band in &bands {
                polygon points=(band) fill=(PASS) fill-opacity="0.16" stroke="none" {}
            }
            @if points.len() <= WHISKERS {
                @for (i, k) in series.iter().enumerate() {
                    @if let Some(ci) = k.and_then(|k| k.ci.as_ref()) {
                        @let (xl, yl) = (x(i), y(ci.low));
                        @let yh = ci.high.map_or(s.top, &y);
                        line x1=(n(xl)) x2=(n(xl)) y1=(n(yl)) y2=(n(yh)) stroke=(INK) stroke-width="1.25" {}
                        line x1=(n(xl - 3.0)) x2=(n(xl + 3.0)) y1=(n(yl)) y2=(n(yl)) stroke=(INK) stroke-width="1.25" {}
                        @if ci.high.is_some_and(|h| h <= high) {
                            line x1=(n(xl - 3.0)) x2=(n(xl + 3.0)) y1=(n(yh)) y2=(n(yh)) stroke=(INK) stroke-width="1.25" {}
                        } @else {
                            // Unbounded, or past the axis: an arrow head says it goes on.
                            path d=(format!("M{} {} l-3.5 6 h7 z", n(xl), n(s.top))) fill=(INK) {}
                        }
                    }
                }
            }
            @for seg in segments(&line) {
                polyline points=(seg) fill="none" stroke=(PASS) stroke-width="2" {}
            }
            @for (i, (p, k)) in points.iter().zip(&series).enumerate() {
                @match k.and_then(|k| k.value.map(|v| (k, v))) {
                    Some((k, v)) => {
                        circle cx=(n(x(i))) cy=(n(y(v))) r="3.5" fill=(charts::grade_colour(k.confidence.as_deref()))
                            stroke="#ffffff" stroke-width="1" {
                            title {
                                (kpi.name) ", " (tip(p)) ": " (format::with_unit(v, unit))
                                @if let Some(ci) = &k.ci {
                                    " (interval " (format::value(ci.low, unit)) " to "
                                    (ci.high.map_or("unbounded".to_string(), |h| format::value(h, unit))) ")"
                                }
                                ", " (k.confidence.as_deref().unwrap_or("-")) " confidence"
                            }
                        }
                    }
                    None => {
                        text x=(n(x(i))) y=(n(s.top + s.plot_h - 4.0)) text-anchor="middle" class="axis" style=(format!("font-size:9px;fill:{MUTED}")) {
                            title { (kpi.name) ", " (tip(p)) ": not computable" }
                            "n/a"
                        }
                    }
                }
            }
            (x_labels(points, SMALL_LABELS, s.left, s.plot_w, s.top + s.plot_h))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_spread_evenly_and_keep_the_first_and_last_run() {
        assert_eq!(labelled(3, 10), [0, 1, 2]);
        assert_eq!(labelled(100, 10), [0, 11, 22, 33, 44, 55, 66, 77, 88, 99]);
        assert_eq!(labelled(12, 3), [0, 6, 11]);
        assert_eq!(labelled(5, 3), [0, 2, 4]);
        // Neighbours would print over each other: first and last only.
        assert_eq!(labelled(4, 3), [0, 3]);
        assert_eq!(labelled(11, 10), [0, 2, 4, 6, 8, 10]);
    }

    #[test]
    fn axes_are_round_and_stay_inside_their_range() {
        let (lo, hi, ticks) = axis(98.5, 98.5, 0.0, 100.0, 2.0);
        assert!(lo <= 97.5 && (99.5..=100.0).contains(&hi), "{lo} {hi}");
        assert!(ticks.len() >= 2 && ticks.iter().all(|t| (lo..=hi).contains(t)));
        let (lo, hi, _) = axis(99.2, 100.0, 0.0, 100.0, 2.0);
        assert_eq!(hi, 100.0);
        assert!(lo < 99.2);
        let (lo, hi, ticks) = axis(26_630.0, 44_919.0, 0.0, f64::INFINITY, 100.0);
        assert!(lo <= 26_630.0 && hi >= 44_919.0, "{lo} {hi}");
        assert!(ticks.len() <= 6, "{ticks:?}");
    }

    #[test]
    fn gaps_split_a_line() {
        let v = [Some((1.0, 2.0)), None, Some((3.0, 4.0)), Some((5.0, 6.0))];
        assert_eq!(segments(&v), ["1,2", "3,4 5,6"]);
    }
}
