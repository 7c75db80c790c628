//! `report.html`: the audit as one self-contained page for people. No script, no network, no
//! external asset: the CSS is inline, the charts are inline SVG, and the page reads (and prints)
//! the same without JavaScript. maud escapes every piece of data that reaches the page, text
//! and attributes alike; ids built from data are slugs of ASCII letters and digits.
//!
//! Order of the page: what a person must know first (verdict, score, what to fix), then the
//! evidence (scores, rules with examples, worst fields, duplicates, KPIs, trends), then the
//! inputs and definitions.

mod charts;
mod since;
mod trends;

use std::io::Write;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::findings::Outcome;
use crate::kpi::KpiReport;
use crate::kpi::format;

use super::AuditReport;
use super::model::{Cluster, DuplicateSummary, RuleReport};
use super::view;

const STYLE: &str = include_str!("style.css");

/// How many clusters the page shows in full; duplicates.csv has them all.
const CLUSTERS_SHOWN: usize = 12;
/// How many fields the worst-fields chart shows.
const WORST_FIELDS: usize = 12;
/// How many items "Fix first" lists at least (warnings fill it up), and at most (gate failures).
const FIX_FIRST: usize = 8;
const FIX_FIRST_MAX: usize = 12;

pub fn write(report: &AuditReport, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(render(report).into_string().as_bytes())?;
    out.write_all(b"\n")
}

pub fn render(report: &AuditReport) -> Markup {
    let title = match &report.workspace {
        Some(name) => format!("{name}: CRM data audit as of {}", report.as_of),
        None => format!("CRM data audit as of {}", report.as_of),
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("crmaudit {}", report.tool.version));
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    (header(report))
                    (since::section(report))
                    (scores(report))
                    (rules(report))
                    (worst_fields(report))
                    (duplicates(report))
                    (kpis(report))
                    (trends::section(report))
                    (inputs(report))
                    (footer(report))
                }
            }
        }
    }
}

fn outcome_badge(outcome: Outcome) -> Markup {
    let class = outcome.as_str();
    html! { span class=(format!("badge {class}")) { (class.to_uppercase()) } }
}

fn grade_badge(grade: Option<&str>) -> Markup {
    match grade {
        Some(g) => html! { span class=(format!("badge {}", view::slug(g))) { (g) } },
        None => html! { span class="badge none" { "n/a" } },
    }
}

fn header(report: &AuditReport) -> Markup {
    let s = &report.summary;
    // What to fix first: every outcome that fails the gate, then warnings, worst share first.
    let mut fix: Vec<&RuleReport> = view::rules_with_findings(report)
        .into_iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .collect();
    fix.sort_by_key(|r| !view::fails_gate(report, r));
    let gating = fix.iter().filter(|r| view::fails_gate(report, r)).count();
    let more = fix
        .len()
        .saturating_sub(FIX_FIRST.max(gating.min(FIX_FIRST_MAX)));
    fix.truncate(FIX_FIRST.max(gating.min(FIX_FIRST_MAX)));
    let score_failed = view::score_fails_gate(report);
    // Alerts are gate reasons only under --fail-on-regression; baseline mode's known problems
    // are no longer reasons at all.
    let gating_alerts = report
        .regression
        .as_ref()
        .filter(|r| r.fail_on_regression)
        .map_or(0, |r| r.alerts.len());
    let known = report
        .regression
        .as_ref()
        .map_or(0, |r| r.known_problems.len());
    let fuzzy: Vec<&DuplicateSummary> = report
        .duplicates
        .iter()
        .filter(|d| d.method == "fuzzy" && d.clusters > 0)
        .collect();
    let grades = |g: &str| {
        report
            .kpis
            .iter()
            .filter(|k| k.confidence.as_deref() == Some(g))
            .count()
    };
    html! {
        header {
            div.eyebrow { "crmaudit · data-quality audit" }
            h1 { (report.workspace.as_deref().unwrap_or("CRM data audit")) }
            p.meta {
                "As of " strong { (report.as_of) } " · "
                (crate::wording::plural(s.tables, "table", "tables")) " · "
                (crate::wording::plural(s.records, "record", "records")) " · "
                (crate::wording::plural(s.rules_run, "rule outcome", "rule outcomes"))
            }
            nav.toc {
                a href="#verdict" { "Verdict" }
                @if report.regression.is_some() { a href="#since" { (super::view::since_title(report.regression.as_ref().expect("checked"))) } }
                a href="#scores" { "Scores" }
                a href="#rules" { "Rules" }
                a href="#fields" { "Worst fields" }
                a href="#duplicates" { "Duplicates" }
                @if !report.kpis.is_empty() { a href="#kpis" { "KPIs" } }
                @if report.history.is_some() { a href="#trends" { "Trends" } }
                a href="#inputs" { "Inputs" }
            }
            section.verdict #verdict {
                div.ring {
                    (charts::score_ring(report.score, &view::gate_score(report)))
                    div.small { "overall data-quality score" }
                }
                div {
                    @if report.gate.passed {
                        span.gate.passed { "Gate PASSED" }
                        p {
                            @if known > 0 {
                                "Nothing new reaches --fail-on " (report.gate.fail_on.as_str()) ": the "
                                a href="#since-known" { (crate::wording::plural(known, "known problem", "known problems")) } (crate::wording::form(known, " was", " were")) " already in the baseline"
                            } @else {
                                "No rule outcome reaches --fail-on " (report.gate.fail_on.as_str())
                                @if let Some(min) = report.gate.fail_under { ", and the score is at least " (min) }
                            }
                            ". CI exits with code 0."
                        }
                    } @else {
                        span.gate.failed { "Gate FAILED" }
                        p {
                            @if gating > 0 {
                                (crate::wording::plural(gating, "rule outcome", "rule outcomes")) " at " (report.gate.fail_on.as_str()) " or worse " (crate::wording::form(gating, "exceeds its", "exceed their")) " tolerance"
                            }
                            @if gating > 0 && score_failed { "; " }
                            @if let (true, Some(min)) = (score_failed, report.gate.fail_under) {
                                "the " (super::build::score_reason(report.score, min))
                            }
                            @if gating_alerts > 0 {
                                @if gating > 0 || score_failed { "; " }
                                a href="#since-alerts" { (crate::wording::plural(gating_alerts, "regression alert", "regression alerts")) } " since the last run (--fail-on-regression)"
                            }
                            ". CI exits with code 1."
                        }
                    }
                    @if !fix.is_empty() {
                        h3 { "Fix first" }
                        ol.fix {
                            @for r in &fix {
                                li {
                                    (outcome_badge(r.outcome)) " "
                                    strong { (r.code) " " (r.name) } " on " code { (view::place(r)) } ": "
                                    (format::count(r.violations)) " of " (format::count(r.checked))
                                    " (" (view::percent(r.violation_share)) ", tolerance " (view::percent(r.threshold)) ")"
                                    @if report.gate.fails(r.outcome) && !view::fails_gate(report, r) {
                                        " · " a href="#since-known" { "known: in the baseline" }
                                    }
                                    @if !r.sample.is_empty() {
                                        " · " a href=(format!("#{}", view::rule_anchor(report, r))) { "examples" }
                                    }
                                }
                            }
                        }
                        @if more > 0 { p.small { "…and " (more) " more in " a href="#rules" { "Rule outcomes" } "." } }
                    }
                }
                div {
                    dl.facts {
                        dt { "Rules" }
                        dd {
                            span style=(format!("color:{}", charts::FAIL)) { (s.rules_failed) " fail" } " · "
                            span style="color:#9a6700" { (s.rules_warned) " warn" } " · "
                            (s.rules_passed) " pass"
                        }
                        dt { "Findings" }
                        dd { (format::count(s.findings)) " on " (format::count(s.records_with_findings)) " records" }
                        dt { "Probable duplicates" }
                        dd {
                            @if fuzzy.is_empty() { "none" } @else {
                                (fuzzy.iter().map(|d| d.clusters).sum::<usize>()) " clusters, "
                                (fuzzy.iter().map(|d| d.surplus_records).sum::<usize>()) " surplus"
                            }
                        }
                        @if !report.kpis.is_empty() {
                            dt { "KPI confidence" }
                            dd { (grades("high")) " high · " (grades("medium")) " medium · " (grades("low")) " low" }
                        }
                        @if let Some(r) = report.regression.as_ref().filter(|r| r.compared_with.source != "none") {
                            dt { a href="#since" {
                                @match r.compared_with.run_id { Some(id) => { "Since run " (id) } None => { "Since the baseline" } }
                            } }
                            dd {
                                span.bad[r.changes.findings.new > 0] { (format::count(r.changes.findings.new)) " new" }
                                " · " (format::count(r.changes.findings.fixed)) " fixed"
                                @if !r.alerts.is_empty() { " · " span.bad { (crate::wording::plural(r.alerts.len(), "alert", "alerts")) } }
                            }
                        }
                        dt { "Lowest table" }
                        dd {
                            @if let Some(t) = report.tables.iter().min_by(|a, b| a.score.total_cmp(&b.score).then(a.name.cmp(&b.name))) {
                                (t.name) " " (view::score(t.score))
                            }
                        }
                    }
                    p.small { "Every finding, with its record id and a suggested fix, is in "
                        code { "worklist.csv" } " beside this file." }
                }
            }
        }
    }
}

fn scores(report: &AuditReport) -> Markup {
    html! {
        section #scores {
            h2 { "Quality scores" }
            p.lede {
                "Each table's score is the mean of its fields' scores (0-100); each dimension is a share of records, "
                "averaged over the table's fields where a rule measures it. Darker orange needs attention first."
            }
            figure {
                (charts::heatmap(&report.tables))
                figcaption { (charts::heat_legend()) }
            }
        }
    }
}

fn rules(report: &AuditReport) -> Markup {
    let shown = view::rules_with_findings(report);
    let scale = charts::nice_share(shown.iter().map(|r| r.violation_share).fold(0.0, f64::max));
    let clean = report.rules.len() - shown.len();
    html! {
        section #rules {
            h2 { "Rule outcomes" }
            p.lede {
                (crate::wording::plural(shown.len(), "rule outcome", "rule outcomes")) " found something; "
                (if clean == 1 { "the other one".to_string() } else { format!("the other {}", format::count(clean)) })
                " found nothing. A rule's outcome is its severity once the share of violating values "
                "exceeds its tolerance (the black tick); rows shaded red fail the gate."
            }
            @if !shown.is_empty() {
                table.data {
                    thead { tr {
                        th { "outcome" } th { "rule" } th { "where" }
                        th.num { "violations" } th.num { "checked" }
                        th { "share of checked (0-" (view::percent(scale)) ")" }
                        th.num { "tolerance" } th { "examples" }
                    } }
                    tbody {
                        @for r in &shown {
                            tr class=(if view::fails_gate(report, r) { "gating" } else { "" }) {
                                td { (outcome_badge(r.outcome)) }
                                td {
                                    strong { (r.code) } " " (r.name)
                                    @if let Some(m) = &r.message { div.why { (m) } }
                                }
                                td { code { (view::place(r)) } }
                                td.num { (format::count(r.violations)) }
                                td.num { (format::count(r.checked)) }
                                td.bar { (charts::share_bar(r.violation_share, r.threshold, scale, r.outcome)) span.small { (view::percent(r.violation_share)) } }
                                td.num { (view::percent(r.threshold)) }
                                td {
                                    @if r.sample.is_empty() { span.small { "column-level" } } @else {
                                        a href=(format!("#{}", view::rule_anchor(report, r))) { (r.sample.len()) " of " (format::count(r.violations)) }
                                    }
                                }
                            }
                        }
                    }
                }
                h3 #examples { "Examples" }
                p.why { "Up to five records per rule, as the file holds them; the worklist has every one." }
                div.cards.examples {
                    @for r in shown.iter().filter(|r| !r.sample.is_empty() || r.detail.is_some()) {
                        div.card id=(view::rule_anchor(report, r)) {
                            div { (outcome_badge(r.outcome)) " " strong { (r.code) " " (r.name) } }
                            div { code { (view::place(r)) } " · " (format::count(r.violations)) " of " (format::count(r.checked)) }
                            @if let Some(d) = &r.detail { p.why { (d) } }
                            @if !r.sample.is_empty() {
                                table.data.compact {
                                    thead { tr { th { "record id" } th.num { "row" } th { "value" } } }
                                    tbody {
                                        @for s in &r.sample {
                                            tr {
                                                td.id { code { (s.record_id) } }
                                                td.num { (s.row) }
                                                td {
                                                    @if r.field.is_empty() { span.small { "(whole record)" } }
                                                    @else if s.value.is_empty() { span.small { "(empty)" } }
                                                    @else { code { (s.value) } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn worst_fields(report: &AuditReport) -> Markup {
    let fields = view::worst_fields(report, WORST_FIELDS);
    html! {
        section #fields {
            h2 { "Worst fields" }
            @if fields.is_empty() {
                p { "Every field scores 100." }
            } @else {
                p.lede { "The fields with the lowest scores, with the dimension that costs them most." }
                figure { (charts::worst_fields(&fields)) }
            }
        }
    }
}

fn duplicates(report: &AuditReport) -> Markup {
    let found: Vec<&DuplicateSummary> = report
        .duplicates
        .iter()
        .filter(|d| d.clusters > 0)
        .collect();
    let fuzzy: Vec<&Cluster> = report
        .clusters
        .iter()
        .filter(|c| c.method == "fuzzy")
        .collect();
    let shown: Vec<&Cluster> = if fuzzy.is_empty() {
        report.clusters.iter().take(CLUSTERS_SHOWN).collect()
    } else {
        fuzzy.iter().copied().take(CLUSTERS_SHOWN).collect()
    };
    let total = if fuzzy.is_empty() {
        report.clusters.len()
    } else {
        fuzzy.len()
    };
    html! {
        section #duplicates {
            h2 { "Duplicates" }
            @if found.is_empty() {
                p { "No duplicate records found." }
            } @else {
                p.lede {
                    "Surplus records are those that would go if every cluster were merged into its survivor. "
                    "Fuzzy clusters match whole records (nicknames, typos, phone styles); exact groups share one normalised value."
                }
                table.data style="max-width:760px" {
                    thead { tr { th { "table" } th { "matched on" } th.num { "clusters" } th.num { "records involved" } th.num { "surplus" } } }
                    tbody {
                        @for d in &found {
                            tr {
                                td { (d.table) }
                                td { @if d.method == "fuzzy" { "whole record (fuzzy)" } @else { code { (d.field) } " (exact)" } }
                                td.num { (format::count(d.clusters)) }
                                td.num { (format::count(d.records_in_clusters)) }
                                td.num { (format::count(d.surplus_records)) }
                            }
                        }
                    }
                }
                @if !shown.is_empty() {
                    h3 { "Clusters, field by field" }
                    p.why {
                        "Evidence in bits: positive agrees, negative disagrees; the survivor (keep) is chosen by completeness, then age. "
                        @if total > shown.len() { "The first " (shown.len()) " of " (total) " clusters; duplicates.csv lists all." }
                    }
                    @for c in &shown { (cluster(c)) }
                }
            }
        }
    }
}

fn cluster(c: &Cluster) -> Markup {
    // Field order: the matching's, as the survivor's values list them; then any others.
    let mut fields: Vec<&str> = Vec::new();
    for m in &c.members {
        for (f, _) in &m.values {
            if !fields.contains(&f.as_str()) {
                fields.push(f);
            }
        }
        for e in &m.evidence {
            if !fields.contains(&e.field.as_str()) {
                fields.push(&e.field);
            }
        }
    }
    html! {
        div.cluster {
            div {
                strong { (c.table) " · " (c.cluster_id) } " · " (c.members.len()) " records"
                @if c.method == "fuzzy" { " · match probability at least " (format!("{:.3}", c.score)) }
            }
            table.data {
                thead { tr {
                    th { "field" }
                    @for m in &c.members {
                        th {
                            code { (m.record_id) } " " span.small { "row " (m.row) }
                            br;
                            @if m.is_survivor { span.keep { "keep (survivor)" } } @else {
                                span.small { "merge into survivor" @if let Some(p) = m.score { " · p " (format!("{p:.3}")) } }
                            }
                        }
                    }
                } }
                tbody {
                    @for f in &fields {
                        tr {
                            td { (f) }
                            @for m in &c.members {
                                td {
                                    @match m.values.iter().find(|(name, _)| name == f) {
                                        Some((_, v)) if !v.trim().is_empty() => { (v) }
                                        _ => { span.small { "(empty)" } }
                                    }
                                    @if let Some(e) = m.evidence.iter().find(|e| e.field == *f) {
                                        " "
                                        span class=(if e.weight > 0.5 { "lvl strong" } else if e.weight < -0.5 { "lvl against" } else { "lvl" }) {
                                            (e.level)
                                            @if e.level != "missing" { " " (format!("{:+.1}", e.weight)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(reason) = &c.survivor_reason { p.why { "Survivor: " (reason) "." } }
            @if !c.merge.is_empty() {
                p.why {
                    "Merge proposal: "
                    @for (i, (field, value, from)) in c.merge.iter().enumerate() {
                        @if i > 0 { "; " }
                        (field) " " code { (value) } " from " code { (from) }
                    }
                }
            }
        }
    }
}

fn kpis(report: &AuditReport) -> Markup {
    if report.kpis.is_empty() {
        return html! {};
    }
    let level = report
        .kpis
        .iter()
        .find_map(|k| k.ci.as_ref().map(|c| c.level))
        .unwrap_or(0.95);
    let computable: Vec<&KpiReport> = report
        .kpis
        .iter()
        .filter(|k| k.status == "ok" && k.value.is_some())
        .collect();
    html! {
        section #kpis {
            h2 { "KPIs and how far to trust them" }
            p.lede {
                "Each KPI after excluding invalid inputs and merging duplicates, with its statistical interval "
                "and the range its missing, invalid and duplicate inputs could move it. The grade combines sample size, "
                "interval widths and input quality."
            }
            @if !computable.is_empty() {
                figure {
                    (charts::forest_plot(&computable))
                    figcaption { (charts::forest_legend(level)) }
                }
            }
            div.cards {
                @for k in &report.kpis { (kpi_card(k, level)) }
            }
        }
    }
}

fn kpi_card(k: &KpiReport, level: f64) -> Markup {
    let unit = k.unit.as_str();
    let range = |low: f64, high: Option<f64>| match high {
        Some(h) => format!("{} to {}", format::value(low, unit), format::value(h, unit)),
        None => format!("{} to unbounded", format::value(low, unit)),
    };
    html! {
        div.card id=(format!("kpi-{}", view::slug(&k.id))) {
            h3 { (k.name) }
            div.small { code { (k.id) } " · " (k.variant) " · " (k.period.description) }
            @match k.value.filter(|_| k.status == "ok") {
                Some(v) => {
                    div.value { (format::with_unit(v, unit)) " " (grade_badge(k.confidence.as_deref())) }
                    (charts::kpi_whisker(k))
                    dl {
                        @if let Some(ci) = &k.ci {
                            dt { (format!("{:.0}% interval", level * 100.0)) }
                            dd { (range(ci.low, ci.high)) " " span.small { "(" (ci.method) ")" } }
                        }
                        @if let Some(b) = &k.dq_bounds { dt { "data-quality bounds" } dd { (range(b.low, b.high)) } }
                        @if let Some(raw) = k.raw_value { dt { "as the data stands" } dd { (format::value(raw, unit)) } }
                        @if let (Some(nn), Some(of)) = (k.n, &k.n_of) { dt { "n" } dd { (format::count(nn)) " " (of) } }
                        @if let Some(q) = k.input_quality { dt { "input quality" } dd { (view::percent(q)) } }
                        @if let Some(t) = &k.target { dt { "target" } dd { (format::value(t.value, unit)) ": " strong { (t.verdict) } } }
                    }
                    @if !k.annotations.is_empty() {
                        ul { @for a in &k.annotations { li { (a) } } }
                    }
                }
                None => {
                    div.value { span.small { "not computable" } }
                    p.why { (k.reason.as_deref().unwrap_or("")) }
                }
            }
        }
    }
}

fn inputs(report: &AuditReport) -> Markup {
    html! {
        section #inputs {
            h2 { "Inputs" }
            table.data {
                thead { tr {
                    th { "table" } th { "kind" } th { "file" } th.num { "rows" } th { "read as" }
                    th { "preset" } th { "numbers" } th { "unmapped columns" }
                } }
                tbody {
                    @for i in &report.inputs {
                        tr {
                            td { (i.table) }
                            td { (i.kind) }
                            td { code { (i.path) } }
                            td.num { (format::count(i.rows)) }
                            td { (i.encoding) ", delimiter " code { (i.delimiter) } @if i.delimiter_sniffed { " (sniffed)" } }
                            td { (i.preset.as_deref().unwrap_or("-")) }
                            td { (i.number_locale) }
                            td {
                                @if i.unmapped_columns.is_empty() { span.small { "none" } } @else {
                                    (i.unmapped_columns.len()) ": "
                                    span.small { (view::truncate(&i.unmapped_columns.join(", "), 120)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn footer(report: &AuditReport) -> Markup {
    html! {
        footer {
            h3 { "How the scores are defined" }
            dl {
                @for (name, definition) in &report.score_definitions {
                    dt { (name) } dd { (definition) }
                }
            }
            p {
                "crmaudit " (report.tool.version) " · audit as of " (report.as_of)
                " · the same inputs and --as-of give this page byte for byte · no scripts, no network access, nothing loaded from outside this file."
            }
        }
    }
}
