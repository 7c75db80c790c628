//! Inline SVG charts, written by hand: a score ring, the table-by-dimension heatmap, violation
//! bars with the tolerance marked, the worst fields, KPI whiskers (one row per KPI, alone in a
//! card or stacked into a forest plot); the history trends are in `trends.rs`. Each chart has a `<title>` and axis
//! labels; every text goes through maud, so data in labels is escaped like the rest of the page.

use maud::{Markup, html};

use crate::findings::Outcome;
use crate::kpi::KpiReport;
use crate::kpi::format;
use crate::score::TableScore;

use super::super::view::{self, FieldView};

/// SVG coordinates with one decimal: enough for a screen, and stable bytes.
pub fn n(x: f64) -> String {
    let text = format!("{x:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

pub const FAIL: &str = "#c0460a";
pub const WARN: &str = "#e69f00";
pub const PASS: &str = "#0072b2";
pub const INK: &str = "#1d2430";
pub const MUTED: &str = "#5b6472";
pub const GRID: &str = "#e4e7eb";

/// Heatmap bins for a share 0-1: pale blue where the data is sound, through orange to a dark
/// vermillion where it is not. Lightness falls with quality, so the scale reads in grey too.
pub const BINS: [(f64, &str, &str, &str); 6] = [
    (0.9995, "#e8f1fa", INK, "100%"),
    (0.99, "#c6dbef", INK, "99% to 99.9%"),
    (0.97, "#fee6ce", INK, "97% to 99%"),
    (0.95, "#fdae6b", INK, "95% to 97%"),
    (0.90, "#f16913", INK, "90% to 95%"),
    (f64::NEG_INFINITY, "#a63603", "#ffffff", "under 90%"),
];

pub fn heat(share: f64) -> (&'static str, &'static str) {
    BINS.iter()
        .find(|(min, ..)| share >= *min)
        .map(|&(_, bg, fg, _)| (bg, fg))
        .unwrap_or((BINS[5].1, BINS[5].2))
}

/// The overall score as a ring: the arc is the score out of 100.
/// `shown` is the score as the verdict prints it (see `view::gate_score`).
pub fn score_ring(score: f64, shown: &str) -> Markup {
    let r = 58.0;
    let circumference = 2.0 * std::f64::consts::PI * r;
    let arc = circumference * (score / 100.0).clamp(0.0, 1.0);
    // Saturated colours: the ring must read at a glance, unlike the heatmap's pale cells.
    let stroke = if score >= 95.0 {
        PASS
    } else if score >= 85.0 {
        WARN
    } else {
        FAIL
    };
    html! {
        svg width="150" height="150" viewBox="0 0 150 150" role="img" aria-labelledby="ring-title" {
            title id="ring-title" { "Overall data-quality score: " (shown) " out of 100" }
            circle cx="75" cy="75" r=(n(r)) fill="none" stroke=(GRID) stroke-width="14" {}
            circle cx="75" cy="75" r=(n(r)) fill="none" stroke=(stroke) stroke-width="14"
                stroke-dasharray=(format!("{} {}", n(arc), n(circumference)))
                transform="rotate(-90 75 75)" stroke-linecap="butt" {}
            text x="75" y="80" text-anchor="middle" style="font-size:34px;font-weight:700" { (shown) }
            text x="75" y="102" text-anchor="middle" class="axis" { "out of 100" }
        }
    }
}

/// Rows: tables; columns: the table score and the mean of each dimension over its fields.
pub fn heatmap(tables: &[TableScore]) -> Markup {
    let label_w = 190.0;
    let cell_w = 128.0;
    let cell_h = 34.0;
    let top = 46.0;
    let columns: Vec<&str> = std::iter::once("table score")
        .chain(view::DIMENSIONS)
        .collect();
    let width = label_w + cell_w * columns.len() as f64 + 4.0;
    let height = top + cell_h * tables.len() as f64 + 6.0;
    html! {
        svg width=(n(width)) height=(n(height)) viewBox=(format!("0 0 {} {}", n(width), n(height)))
            role="img" aria-labelledby="heatmap-title" {
            title id="heatmap-title" { "Quality scores by table and dimension" }
            text x="0" y="16" class="axis" style="font-weight:600" { "table (rows)" }
            text x=(n(label_w + cell_w * 3.0)) y="16" text-anchor="middle" class="axis" style="font-weight:600" {
                "dimension (mean over the table's fields)"
            }
            @for (i, name) in columns.iter().enumerate() {
                text x=(n(label_w + cell_w * (i as f64 + 0.5))) y=(n(top - 8.0)) text-anchor="middle"
                    style="font-size:12px;font-weight:600" { (name) }
            }
            @for (row, t) in tables.iter().enumerate() {
                @let y = top + cell_h * row as f64;
                text x="0" y=(n(y + cell_h / 2.0 + 4.0)) {
                    (view::truncate(&t.name, 20))
                    tspan class="axis" dx="6" { "(" (format::count(t.rows)) ")" }
                }
                @for (i, name) in columns.iter().enumerate() {
                    @let value = if i == 0 { Some(t.score / 100.0) } else { view::table_dimension(t, name) };
                    @let x = label_w + cell_w * i as f64;
                    @match value {
                        Some(v) => {
                            @let (bg, fg) = heat(v);
                            g {
                                title { (t.name) " · " (name) ": " (if i == 0 { format!("{} / 100", view::score(t.score)) } else { view::percent(v) }) }
                                rect x=(n(x + 1.0)) y=(n(y + 1.0)) width=(n(cell_w - 2.0)) height=(n(cell_h - 2.0)) rx="3" fill=(bg) {}
                                text x=(n(x + cell_w / 2.0)) y=(n(y + cell_h / 2.0 + 4.0)) text-anchor="middle"
                                    style=(format!("fill:{fg};font-weight:{}", if i == 0 { 700 } else { 400 })) {
                                    (if i == 0 { view::score(t.score) } else { view::percent(v) })
                                }
                            }
                        }
                        None => {
                            g {
                                title { (t.name) " · " (name) ": no rule measures it" }
                                rect x=(n(x + 1.0)) y=(n(y + 1.0)) width=(n(cell_w - 2.0)) height=(n(cell_h - 2.0)) rx="3"
                                    fill="#ffffff" stroke=(GRID) {}
                                text x=(n(x + cell_w / 2.0)) y=(n(y + cell_h / 2.0 + 4.0)) text-anchor="middle" class="axis" { "n/a" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The heatmap's colour key.
pub fn heat_legend() -> Markup {
    html! {
        div.legend {
            span { "Colour key:" }
            @for (_, bg, _, label) in BINS {
                span { span.swatch style=(format!("background:{bg}")) {} (label) }
            }
            span { span.swatch style="background:#fff" {} "n/a: no rule measures it" }
        }
    }
}

/// A violation share as a bar on a scale shared by every row, the tolerance as a tick (left out
/// when it lies past the scale: the tolerance column gives it).
pub fn share_bar(share: f64, tolerance: f64, scale: f64, outcome: Outcome) -> Markup {
    let w = 150.0;
    let h = 16.0;
    let x = |v: f64| (v / scale).clamp(0.0, 1.0) * w;
    let colour = match outcome {
        Outcome::Fail => FAIL,
        Outcome::Warn => WARN,
        Outcome::Pass => PASS,
    };
    html! {
        svg width=(n(w + 2.0)) height=(n(h)) viewBox=(format!("0 0 {} {}", n(w + 2.0), n(h))) role="img" {
            title { (view::percent(share)) " of checked values violate; tolerance " (view::percent(tolerance)) }
            rect x="0" y="3" width=(n(w)) height="10" fill="#eef1f4" {}
            rect x="0" y="3" width=(n(x(share).max(1.0))) height="10" fill=(colour) {}
            @if tolerance <= scale {
                line x1=(n(x(tolerance).min(w - 1.0) + 0.5)) x2=(n(x(tolerance).min(w - 1.0) + 0.5)) y1="0" y2=(n(h)) stroke=(INK) stroke-width="2" {}
            }
        }
    }
}

/// A round upper end for a shared scale: 1%, 2%, 5%, 10%, 20%, 50%, 100%.
pub fn nice_share(max: f64) -> f64 {
    [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
        .into_iter()
        .find(|&s| max <= s)
        .unwrap_or(1.0)
}

/// The worst fields as bars of the points they lose out of 100, on one shared axis.
pub fn worst_fields(fields: &[FieldView]) -> Markup {
    let label_w = 250.0;
    let plot_w = 420.0;
    let row_h = 26.0;
    let top = 24.0;
    let lost_max = fields
        .iter()
        .map(|f| 100.0 - f.field.score)
        .fold(0.0, f64::max);
    let axis_max = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0]
        .into_iter()
        .find(|&m| lost_max <= m)
        .unwrap_or(100.0);
    let width = label_w + plot_w + 190.0;
    let height = top + row_h * fields.len() as f64 + 34.0;
    let x = |lost: f64| label_w + (lost / axis_max).clamp(0.0, 1.0) * plot_w;
    html! {
        svg width=(n(width)) height=(n(height)) viewBox=(format!("0 0 {} {}", n(width), n(height)))
            role="img" aria-labelledby="fields-title" {
            title id="fields-title" { "Fields with the lowest scores: points lost out of 100" }
            text x="0" y="14" class="axis" style="font-weight:600" { "table.field" }
            text x=(n(label_w + plot_w + 10.0)) y="14" class="axis" style="font-weight:600" { "score · weakest dimension" }
            @for i in 0..=4 {
                @let v = axis_max * i as f64 / 4.0;
                line x1=(n(x(v))) x2=(n(x(v))) y1=(n(top - 4.0)) y2=(n(top + row_h * fields.len() as f64)) stroke=(GRID) {}
                text x=(n(x(v))) y=(n(top + row_h * fields.len() as f64 + 14.0)) text-anchor="middle" class="axis" { (n(v)) }
            }
            text x=(n(label_w + plot_w / 2.0)) y=(n(height - 4.0)) text-anchor="middle" class="axis" {
                "points below 100 (longer bar = worse field)"
            }
            @for (i, f) in fields.iter().enumerate() {
                @let y = top + row_h * i as f64;
                @let lost = 100.0 - f.field.score;
                g {
                    title { (f.table) "." (f.field.name) ": score " (view::score(f.field.score)) }
                    text x=(n(label_w - 8.0)) y=(n(y + 16.0)) text-anchor="end" { (view::truncate(&format!("{}.{}", f.table, f.field.name), 36)) }
                    rect x=(n(label_w)) y=(n(y + 5.0)) width=(n((x(lost) - label_w).max(1.5))) height="15" rx="2"
                        fill=(heat(f.field.score / 100.0).0) stroke="#b8662a" stroke-width="0.5" {}
                    text x=(n(label_w + plot_w + 10.0)) y=(n(y + 16.0)) {
                        tspan style="font-weight:700" { (view::score(f.field.score)) }
                        @if let Some((dim, share)) = f.weakest {
                            tspan class="axis" dx="8" { (dim) " " (view::percent(share)) }
                        }
                    }
                }
            }
        }
    }
}

/// The range a KPI row is drawn on. Shares and NPS keep their natural scale (0-100%, -100 to
/// 100), so that their rows compare with one another; amounts, times and counts start at zero
/// and end at a round number past everything drawn.
pub fn kpi_domain(k: &KpiReport) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut see = |v: f64| {
        if v.is_finite() {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    };
    k.value.into_iter().for_each(&mut see);
    k.raw_value.into_iter().for_each(&mut see);
    if let Some(ci) = &k.ci {
        see(ci.low);
        ci.high.into_iter().for_each(&mut see);
    }
    if let Some(b) = &k.dq_bounds {
        see(b.low);
        b.high.into_iter().for_each(&mut see);
    }
    if let Some(t) = &k.target {
        see(t.value);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    match k.unit.as_str() {
        // Crowded at one end (uptime at 99.8%): zoom in, or the whisker would vanish.
        "percent" if lo >= 0.0 && hi <= 100.0 && hi - lo < 10.0 => zoom(lo, hi, 0.0, 100.0),
        "percent" if lo >= 0.0 && hi <= 100.0 => (0.0, 100.0),
        "points" if lo >= -100.0 && hi <= 100.0 => (-100.0, 100.0),
        _ => {
            let low = if lo >= 0.0 { 0.0 } else { -nice(-lo) };
            (low, nice(hi.max(0.0)).max(low + 1.0))
        }
    }
}

/// A window of four round steps around `lo..hi`, kept inside `min..max`.
fn zoom(lo: f64, hi: f64, min: f64, max: f64) -> (f64, f64) {
    let step = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]
        .into_iter()
        .find(|s| (hi - lo) <= s * 3.0)
        .unwrap_or(5.0);
    let mut low = ((lo - step * 0.5) / step).floor() * step;
    let mut high = low + step * 4.0;
    if high > max {
        high = max;
        low = max - step * 4.0;
    }
    if low < min {
        low = min;
        high = min + step * 4.0;
    }
    (low, high)
}

/// Axis labels: round numbers without decimals they do not need (`25%`, `12,500`, `0.25%`).
pub fn tick_label(v: f64, unit: &str) -> String {
    let digits = if (v - v.round()).abs() < 1e-9 {
        0
    } else if (v * 10.0 - (v * 10.0).round()).abs() < 1e-9 {
        1
    } else {
        2
    };
    let text = if digits == 0 {
        let whole = v.round();
        let grouped = format::count(whole.abs() as usize);
        if whole < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        }
    } else {
        format!("{v:.digits$}")
    };
    if unit == "percent" {
        format!("{text}%")
    } else {
        text
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `x`.
pub fn nice(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&v| v >= x)
        .unwrap_or(10.0 * p)
}

pub fn grade_colour(grade: Option<&str>) -> &'static str {
    match grade {
        Some("high") => PASS,
        Some("medium") => WARN,
        Some("low") => FAIL,
        _ => MUTED,
    }
}

/// One KPI's whisker between x0 and x1 around the line y: the data-quality bounds as a wide
/// pale bar, the statistical interval as a line with caps, the value as a dot coloured by the
/// grade, the raw value as an open diamond, a target as a dashed line; tick labels under it.
pub fn kpi_track(k: &KpiReport, x0: f64, x1: f64, y: f64) -> Markup {
    let (lo, hi) = kpi_domain(k);
    let unit = k.unit.as_str();
    let x = |v: f64| x0 + ((v - lo) / (hi - lo)).clamp(0.0, 1.0) * (x1 - x0);
    let ticks: Vec<f64> = (0..=4).map(|i| lo + (hi - lo) * i as f64 / 4.0).collect();
    let colour = grade_colour(k.confidence.as_deref());
    html! {
        line x1=(n(x0)) x2=(n(x1)) y1=(n(y)) y2=(n(y)) stroke=(GRID) stroke-width="1" {}
        @for t in &ticks {
            line x1=(n(x(*t))) x2=(n(x(*t))) y1=(n(y + 9.0)) y2=(n(y + 13.0)) stroke="#b9c0c8" {}
            text x=(n(x(*t))) y=(n(y + 24.0)) text-anchor="middle" class="axis" style="font-size:10px" {
                (tick_label(*t, unit))
            }
        }
        @if let Some(b) = &k.dq_bounds {
            @let right = b.high.map_or(x1, x);
            rect x=(n(x(b.low))) y=(n(y - 7.0)) width=(n((right - x(b.low)).max(2.0))) height="14" rx="2"
                fill="#f5c89a" fill-opacity="0.75" stroke="#d08a45" stroke-width="0.75" {
                title { "data-quality bounds " (format::value(b.low, unit)) " to " (b.high.map_or("unbounded".to_string(), |h| format::value(h, unit))) }
            }
        }
        @if let Some(ci) = &k.ci {
            @let right = ci.high.map_or(x1, x);
            line x1=(n(x(ci.low))) x2=(n(right)) y1=(n(y)) y2=(n(y)) stroke=(INK) stroke-width="2" {}
            line x1=(n(x(ci.low))) x2=(n(x(ci.low))) y1=(n(y - 5.0)) y2=(n(y + 5.0)) stroke=(INK) stroke-width="2" {}
            @if ci.high.is_some_and(|h| h <= hi) {
                line x1=(n(right)) x2=(n(right)) y1=(n(y - 5.0)) y2=(n(y + 5.0)) stroke=(INK) stroke-width="2" {}
            } @else {
                // Past the axis or unbounded: an arrow head says it goes on.
                path d=(format!("M{} {} l-7 -5 v10 z", n(x1), n(y))) fill=(INK) {}
            }
        }
        @if let Some(t) = &k.target {
            line x1=(n(x(t.value))) x2=(n(x(t.value))) y1=(n(y - 11.0)) y2=(n(y + 11.0)) stroke="#cc79a7"
                stroke-width="2" stroke-dasharray="3 2" {
                title { "target " (format::value(t.value, unit)) ": " (t.verdict) }
            }
        }
        @if let Some(raw) = k.raw_value.filter(|r| k.value.is_none_or(|v| (v - r).abs() > 1e-9)) {
            path d=(format!("M{} {} l5 5 l-5 5 l-5 -5 z", n(x(raw)), n(y - 5.0))) fill="#ffffff" stroke=(MUTED) stroke-width="1.5" {
                title { "as the data stands: " (format::value(raw, unit)) }
            }
        }
        @if let Some(v) = k.value {
            circle cx=(n(x(v))) cy=(n(y)) r="5.5" fill=(colour) stroke="#ffffff" stroke-width="1.5" {
                title { (k.name) ": " (format::with_unit(v, unit)) ", " (k.confidence.as_deref().unwrap_or("-")) " confidence" }
            }
        }
    }
}

/// A card's whisker on its own.
pub fn kpi_whisker(k: &KpiReport) -> Markup {
    html! {
        svg width="320" height="46" viewBox="0 0 320 46" role="img" {
            title { (k.name) ": interval, data-quality bounds and value" }
            (kpi_track(k, 22.0, 292.0, 14.0))
        }
    }
}

/// Every computable KPI, one row each: a forest plot. Each row carries its own scale (the
/// units differ), written under it.
pub fn forest_plot(kpis: &[&KpiReport]) -> Markup {
    let label_w = 250.0;
    let plot_w = 520.0;
    let value_w = 200.0;
    let row_h = 46.0;
    let top = 26.0;
    let width = label_w + plot_w + value_w;
    let height = top + row_h * kpis.len() as f64 + 8.0;
    html! {
        svg width=(n(width)) height=(n(height)) viewBox=(format!("0 0 {} {}", n(width), n(height)))
            role="img" aria-labelledby="forest-title" {
            title id="forest-title" { "KPIs side by side: value, statistical interval and data-quality bounds" }
            text x="0" y="14" class="axis" style="font-weight:600" { "KPI" }
            text x=(n(label_w + plot_w / 2.0)) y="14" text-anchor="middle" class="axis" style="font-weight:600" {
                "value with interval (each row on its own scale, in the KPI's unit)"
            }
            text x=(n(label_w + plot_w + 16.0)) y="14" class="axis" style="font-weight:600" { "value · grade" }
            @for (i, k) in kpis.iter().enumerate() {
                @let y = top + row_h * i as f64 + 14.0;
                @if i % 2 == 1 {
                    rect x="0" y=(n(y - 16.0)) width=(n(width)) height=(n(row_h)) fill="#f8f9fb" {}
                }
                text x="0" y=(n(y + 4.0)) style="font-weight:600" { (view::truncate(&k.name, 34)) }
                (kpi_track(k, label_w, label_w + plot_w, y))
                text x=(n(label_w + plot_w + 16.0)) y=(n(y + 4.0)) {
                    tspan style="font-weight:700" { (k.value.map_or("n/a".to_string(), |v| format::with_unit(v, &k.unit))) }
                    tspan dx="8" style=(format!("fill:{};font-weight:600", grade_colour(k.confidence.as_deref()))) {
                        (k.confidence.as_deref().unwrap_or("-"))
                    }
                }
            }
        }
    }
}

/// The forest plot's key.
pub fn forest_legend(level: f64) -> Markup {
    html! {
        div.legend {
            span { svg width="26" height="14" viewBox="0 0 26 14" { title { "interval" } line x1="2" x2="24" y1="7" y2="7" stroke=(INK) stroke-width="2" {} line x1="2" x2="2" y1="2" y2="12" stroke=(INK) stroke-width="2" {} line x1="24" x2="24" y1="2" y2="12" stroke=(INK) stroke-width="2" {} } (format!("{:.0}% statistical interval", level * 100.0)) }
            span { span.swatch style="background:#f5c89a" {} "data-quality bounds (what missing, invalid and duplicate inputs could do)" }
            span { svg width="14" height="14" viewBox="0 0 14 14" { title { "value" } circle cx="7" cy="7" r="5" fill=(PASS) {} } "value, coloured by grade (blue high, orange medium, vermillion low)" }
            span { svg width="14" height="14" viewBox="0 0 14 14" { title { "as the data stands" } path d="M7 2 l5 5 l-5 5 l-5 -5 z" fill="#fff" stroke=(MUTED) stroke-width="1.5" {} } "as the data stands (where it differs)" }
            span { svg width="10" height="14" viewBox="0 0 10 14" { title { "target" } line x1="5" x2="5" y1="0" y2="14" stroke="#cc79a7" stroke-width="2" stroke-dasharray="3 2" {} } "target" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_bins_cover_every_share() {
        assert_eq!(heat(1.0).0, "#e8f1fa");
        assert_eq!(heat(0.995).0, "#c6dbef");
        assert_eq!(heat(0.96).0, "#fdae6b");
        assert_eq!(heat(0.0).0, "#a63603");
        assert_eq!(heat(-1.0).0, "#a63603");
    }

    #[test]
    fn nice_rounds_up_to_one_two_and_a_half_or_five() {
        assert_eq!(nice(34_278.0), 50_000.0);
        assert_eq!(nice(212.6), 250.0);
        assert_eq!(nice(1.0), 1.0);
        assert_eq!(nice(0.3), 0.5);
        assert_eq!(nice_share(0.045), 0.05);
        assert_eq!(nice_share(0.3), 0.5);
    }

    #[test]
    fn zoom_keeps_a_crowded_interval_visible_and_inside_the_range() {
        // Uptime 99.7%-99.9%: four steps of 0.1 ending at 100.
        let (lo, hi) = zoom(99.7, 99.9, 0.0, 100.0);
        assert!(
            (hi - 100.0).abs() < 1e-9 && (lo - 99.6).abs() < 1e-9,
            "{lo} {hi}"
        );
        let (lo, hi) = zoom(12.6, 18.2, 0.0, 100.0);
        assert!(lo <= 12.6 && hi >= 18.2 && lo >= 0.0, "{lo} {hi}");
    }

    #[test]
    fn tick_labels_drop_needless_decimals() {
        assert_eq!(tick_label(25.0, "percent"), "25%");
        assert_eq!(tick_label(12_500.0, "currency"), "12,500");
        assert_eq!(tick_label(-100.0, "points"), "-100");
        assert_eq!(tick_label(99.75, "percent"), "99.75%");
        assert_eq!(tick_label(62.5, "hours"), "62.5");
    }

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(n(-0.04), "-0");
    }
}
