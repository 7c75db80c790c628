//! Rule packs: TOML files of `[[rule]]` entries. Built-in packs (embedded from `rules/defaults`)
//! declare the `DQ` rules per table kind; user packs declare rules of the generic check kinds
//! with their own code prefix.

use std::path::Path;
use std::sync::Arc;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Result, SourceText};
use crate::findings::Severity;
use crate::kind::Kind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulePackFile {
    #[serde(default)]
    pack: PackSection,
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RuleDecl>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackSection {
    #[allow(dead_code)]
    name: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
    /// Built-in packs only: the table kind every rule of the pack applies to.
    kind: Option<Kind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDecl {
    code: Spanned<String>,
    name: Spanned<String>,
    /// Read as text so that an unknown kind lists what a user pack may use, not every kind.
    check: Spanned<String>,
    table: Option<Spanned<String>>,
    field: Option<Spanned<String>>,
    fields: Option<Vec<Spanned<String>>>,
    severity: Severity,
    tolerance: Option<Spanned<f64>>,
    message: Option<String>,
    // Options of particular check kinds; which apply to which kind is validated below.
    values: Option<Spanned<Vec<String>>>,
    case_sensitive: Option<Spanned<bool>>,
    pattern: Option<Spanned<String>>,
    min: Option<Spanned<f64>>,
    max: Option<Spanned<f64>>,
    left: Option<Spanned<String>>,
    op: Option<Spanned<CompareOp>>,
    right: Option<Spanned<String>>,
    to: Option<Spanned<String>>,
    after_days: Option<Spanned<u32>>,
    style: Option<Spanned<StyleKind>>,
    normalize: Option<Spanned<UniqueNormalize>>,
}

/// The implementation a rule uses. Each maps to one built-in check (one file, one `DQ` code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckKind {
    Required,
    Email,
    Phone,
    Date,
    DateAmbiguity,
    ExcelSerialDate,
    Number,
    Allowed,
    Regex,
    Range,
    Unique,
    Stale,
    Consistency,
    Whitespace,
    EmptyColumn,
    Compare,
    Reference,
    Encoding,
    RaggedRow,
    BrokenQuote,
    StrayQuote,
    ControlCharacter,
    HeaderName,
    EmptyTable,
    /// Record-level entity matching (fuzzy duplicates), configured per table.
    Entity,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Required => "required",
            CheckKind::Email => "email",
            CheckKind::Phone => "phone",
            CheckKind::Date => "date",
            CheckKind::DateAmbiguity => "date-ambiguity",
            CheckKind::ExcelSerialDate => "excel-serial-date",
            CheckKind::Number => "number",
            CheckKind::Allowed => "allowed",
            CheckKind::Regex => "regex",
            CheckKind::Range => "range",
            CheckKind::Unique => "unique",
            CheckKind::Stale => "stale",
            CheckKind::Consistency => "consistency",
            CheckKind::Whitespace => "whitespace",
            CheckKind::EmptyColumn => "empty-column",
            CheckKind::Compare => "compare",
            CheckKind::Reference => "reference",
            CheckKind::Encoding => "encoding",
            CheckKind::RaggedRow => "ragged-row",
            CheckKind::BrokenQuote => "broken-quote",
            CheckKind::StrayQuote => "stray-quote",
            CheckKind::ControlCharacter => "control-character",
            CheckKind::HeaderName => "header-name",
            CheckKind::EmptyTable => "empty-table",
            CheckKind::Entity => "entity",
        }
    }

    /// Checks that look at the file or the table as a whole, not at named fields.
    pub fn is_table_level(self) -> bool {
        matches!(
            self,
            CheckKind::Encoding
                | CheckKind::RaggedRow
                | CheckKind::BrokenQuote
                | CheckKind::StrayQuote
                | CheckKind::HeaderName
                | CheckKind::EmptyTable
        )
    }

    /// The kinds a user pack may declare with its own codes.
    pub const GENERIC: &'static [CheckKind] = &[
        CheckKind::Number,
        CheckKind::Regex,
        CheckKind::Allowed,
        CheckKind::Range,
        CheckKind::Required,
        CheckKind::Compare,
        CheckKind::Reference,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum CompareOp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl CompareOp {
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Lt => ordering == Less,
            CompareOp::Le => ordering != Greater,
            CompareOp::Gt => ordering == Greater,
            CompareOp::Ge => ordering != Less,
            CompareOp::Eq => ordering == Equal,
            CompareOp::Ne => ordering != Equal,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
        }
    }
}

/// Which written style a consistency rule compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StyleKind {
    /// Chosen from the field's type: phone, date, country, otherwise casing.
    Auto,
    Phone,
    Date,
    Country,
    Casing,
}

/// How a uniqueness rule compares values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UniqueNormalize {
    /// By the field's type: emails case-folded, phones as E.164, ids exact, text case-folded.
    Auto,
    /// Trimmed, otherwise as written.
    Exact,
    /// Trimmed, whitespace collapsed, case-folded.
    Fold,
}

/// Which tables a rule applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum TableScope {
    Kind(Kind),
    /// A table named in crmaudit.toml, or a kind name (resolved when tables are known).
    Named(String),
    /// Every table (the common built-in pack).
    All,
}

#[derive(Debug, Clone, Default)]
pub struct RuleOptions {
    pub values: Vec<String>,
    pub case_sensitive: bool,
    pub pattern: Option<Regex>,
    pub pattern_text: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub compare: Option<(String, CompareOp, String)>,
    /// (table, field) the values must exist in.
    pub reference: Option<(String, String)>,
    pub after_days: Option<u32>,
    pub style: Option<StyleKind>,
    pub normalize: Option<UniqueNormalize>,
}

/// A validated rule, not yet bound to concrete tables and columns.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    pub code: Arc<str>,
    pub name: Arc<str>,
    pub check: CheckKind,
    pub scope: TableScope,
    /// Canonical field names or headers; `*` is every mapped field. Empty for table-level rules.
    pub fields: Vec<String>,
    pub severity: Severity,
    /// Share of checked values allowed to violate before the outcome becomes `severity`.
    pub tolerance: f64,
    pub message: Option<String>,
    pub options: RuleOptions,
    pub builtin: bool,
    /// Where the rule was declared: for diagnostics about fields and tables named in it.
    pub origin: Option<(SourceText, std::ops::Range<usize>)>,
    pub field_spans: Vec<std::ops::Range<usize>>,
    pub table_span: Option<std::ops::Range<usize>>,
    /// Where `code` is written: a code given to two rules is reported there.
    pub code_span: Option<std::ops::Range<usize>>,
    /// Where `to` is written (reference rules): a target the workspace lacks is reported there.
    pub to_span: Option<std::ops::Range<usize>>,
}

impl RuleSpec {
    pub fn error(
        &self,
        span: Option<std::ops::Range<usize>>,
        message: String,
        label: &str,
    ) -> crate::error::Error {
        match &self.origin {
            Some((source, rule_span)) => source.error(
                span.unwrap_or_else(|| rule_span.clone()),
                message,
                label,
                None,
            ),
            None => crate::error::usage(message),
        }
    }
}

/// Parses a rule pack. `builtin` packs may use `DQ` codes and every check kind; user packs may
/// use only the generic kinds and must not use the `DQ` prefix (it is reserved so that a code
/// always means one thing).
pub fn parse_pack(source: &SourceText, builtin: bool) -> Result<Vec<RuleSpec>> {
    let file: RulePackFile =
        toml::from_str(&source.text).map_err(|err| source.toml_error(err, "rule pack"))?;
    let pack_kind = file.pack.kind;
    let mut specs = Vec::with_capacity(file.rules.len());
    for decl in file.rules {
        let rule_span = decl.span();
        let decl = decl.into_inner();
        let spec = validate_rule(source, decl, rule_span, builtin, pack_kind)?;
        // A code names one rule: the same code twice in a pack must be the same rule.
        if let Some(other) = specs.iter().find(|s: &&RuleSpec| s.code == spec.code) {
            check_same_rule(other, &spec)?;
        }
        specs.push(spec);
    }
    Ok(specs)
}

/// Two entries under one code are one rule applied to several places: same name and, for user
/// rules, the same check and severity. `X001 r-one` as `required`/fail on one field and as
/// `regex`/warn on another would be two rules the worklist, `[rules.X001]` and the history
/// could not tell apart. (Built-in codes keep their name across kinds; their severities are set
/// per kind.)
pub fn check_same_rule(first: &RuleSpec, second: &RuleSpec) -> Result<()> {
    let differs = if first.name != second.name {
        Some(format!("`{}` and `{}`", first.name, second.name))
    } else if !second.builtin && first.check != second.check {
        Some(format!(
            "`{}` checks `{}` in one and `{}` in the other",
            second.name,
            first.check.as_str(),
            second.check.as_str()
        ))
    } else if !second.builtin && first.severity != second.severity {
        Some(format!(
            "`{}` is `{}` in one and `{}` in the other",
            second.name,
            first.severity.as_str(),
            second.severity.as_str()
        ))
    } else {
        None
    };
    match differs {
        None => Ok(()),
        Some(what) => Err(second.error(
            second.code_span.clone(),
            format!(
                "code {} is used by two different rules ({what})",
                second.code
            ),
            "each rule needs its own code",
        )),
    }
}

/// Reads and parses a user rule pack from disk.
pub fn load_user_pack(path: &Path) -> Result<Vec<RuleSpec>> {
    let bytes = std::fs::read(path).map_err(|err| {
        crate::error::usage(format!("cannot read rule pack {}: {err}", path.display()))
    })?;
    parse_pack(&SourceText::from_bytes(path, bytes, "rule pack")?, false)
}

fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_valid_code(code: &str) -> bool {
    let letters = code.bytes().take_while(|b| b.is_ascii_uppercase()).count();
    let digits = &code[letters..];
    (1..=4).contains(&letters) && digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit())
}

fn validate_rule(
    source: &SourceText,
    decl: RuleDecl,
    rule_span: std::ops::Range<usize>,
    builtin: bool,
    pack_kind: Option<Kind>,
) -> Result<RuleSpec> {
    let code = decl.code.get_ref().clone();
    let code_span = decl.code.span();
    let to_span = decl.to.as_ref().map(|t| t.span());
    if !is_valid_code(&code) {
        return Err(source.error(
            decl.code.span(),
            format!("rule code `{code}` is not valid"),
            "expected 1-4 capital letters and three digits, e.g. X001",
            None,
        ));
    }
    if !builtin && code.starts_with("DQ") {
        return Err(source.error(
            decl.code.span(),
            format!("rule code `{code}` uses the reserved DQ prefix"),
            "DQ codes belong to built-in rules",
            Some("give user rules their own prefix, e.g. X001 or ACME001".into()),
        ));
    }
    let name = decl.name.get_ref().clone();
    if !is_kebab_case(&name) {
        return Err(source.error(
            decl.name.span(),
            format!("rule name `{name}` is not kebab-case"),
            "expected lowercase words joined by '-', e.g. deal-stage-picklist",
            None,
        ));
    }
    let generic: Vec<&str> = CheckKind::GENERIC.iter().map(|k| k.as_str()).collect();
    let parsed = CheckKind::deserialize(
        serde::de::value::StrDeserializer::<serde::de::value::Error>::new(decl.check.get_ref()),
    );
    let check = match parsed {
        Ok(check) => check,
        Err(err) => {
            let expected = if builtin {
                err.to_string()
            } else {
                format!("expected one of {}", generic.join(", "))
            };
            return Err(source.error(
                decl.check.span(),
                format!("unknown check `{}`", decl.check.get_ref()),
                expected,
                None,
            ));
        }
    };
    if !builtin && !CheckKind::GENERIC.contains(&check) {
        return Err(source.error(
            decl.check.span(),
            format!(
                "check `{}` is built in and cannot be declared in a user pack",
                check.as_str()
            ),
            format!("expected one of {}", generic.join(", ")),
            Some("tune a built-in rule with [rules.DQxxx] in crmaudit.toml".into()),
        ));
    }
    let scope = match (&decl.table, pack_kind) {
        (Some(table), _) => TableScope::Named(table.get_ref().clone()),
        (None, Some(kind)) => TableScope::Kind(kind),
        (None, None) if builtin => TableScope::All,
        (None, None) => {
            return Err(source.error(
                rule_span,
                format!("rule {code} names no table"),
                "expected `table = \"NAME\"`",
                None,
            ));
        }
    };
    let mut fields = Vec::new();
    let mut field_spans = Vec::new();
    if let Some(field) = &decl.field {
        fields.push(field.get_ref().clone());
        field_spans.push(field.span());
    }
    if let Some(list) = &decl.fields {
        for field in list {
            fields.push(field.get_ref().clone());
            field_spans.push(field.span());
        }
    }
    let tolerance = match &decl.tolerance {
        Some(t) if !(0.0..=1.0).contains(t.get_ref()) => {
            return Err(source.error(
                t.span(),
                format!("tolerance {} is out of range", t.get_ref()),
                "expected a share between 0.0 and 1.0 (0.05 = 5% of checked values)",
                None,
            ));
        }
        Some(t) => *t.get_ref(),
        None => 0.0,
    };

    let mut options = RuleOptions {
        case_sensitive: true,
        ..RuleOptions::default()
    };
    // Each option is allowed only for the kinds that read it, so a misplaced option is an error
    // rather than silently ignored.
    let mut misplaced: Option<(std::ops::Range<usize>, &str)> = None;
    let mut allow = |present: Option<std::ops::Range<usize>>, option: &'static str, ok: bool| {
        if let (Some(span), false) = (present, ok)
            && misplaced.is_none()
        {
            misplaced = Some((span, option));
        }
    };
    use CheckKind as K;
    allow(
        decl.values.as_ref().map(|v| v.span()),
        "values",
        check == K::Allowed,
    );
    allow(
        decl.case_sensitive.as_ref().map(|v| v.span()),
        "case_sensitive",
        check == K::Allowed,
    );
    allow(
        decl.pattern.as_ref().map(|v| v.span()),
        "pattern",
        check == K::Regex,
    );
    allow(
        decl.min.as_ref().map(|v| v.span()),
        "min",
        check == K::Range,
    );
    allow(
        decl.max.as_ref().map(|v| v.span()),
        "max",
        check == K::Range,
    );
    for (opt, name) in [(&decl.left, "left"), (&decl.right, "right")] {
        allow(opt.as_ref().map(|v| v.span()), name, check == K::Compare);
    }
    allow(
        decl.op.as_ref().map(|v| v.span()),
        "op",
        check == K::Compare,
    );
    allow(
        decl.to.as_ref().map(|v| v.span()),
        "to",
        check == K::Reference,
    );
    allow(
        decl.after_days.as_ref().map(|v| v.span()),
        "after_days",
        check == K::Stale,
    );
    allow(
        decl.style.as_ref().map(|v| v.span()),
        "style",
        check == K::Consistency,
    );
    allow(
        decl.normalize.as_ref().map(|v| v.span()),
        "normalize",
        check == K::Unique,
    );
    if let Some((span, option)) = misplaced {
        return Err(source.error(
            span,
            format!(
                "option `{option}` does not apply to check `{}`",
                check.as_str()
            ),
            "not read by this check",
            Some(format!(
                "see `crmaudit rules explain {code}` for the options of `{}`",
                check.as_str()
            )),
        ));
    }

    let missing = |what: &str| {
        source.error(
            rule_span.clone(),
            format!("rule {code} (check `{}`) needs {what}", check.as_str()),
            format!("{what} missing"),
            None,
        )
    };
    match check {
        K::Allowed => {
            let values = decl.values.ok_or_else(|| missing("`values = [..]`"))?;
            // An empty list allows nothing: every record would fail, which no one means.
            if values.get_ref().is_empty() {
                return Err(source.error(
                    values.span(),
                    format!("rule {code} allows no value"),
                    "expected at least one value, e.g. `values = [\"Open\", \"Closed\"]`",
                    None,
                ));
            }
            options.values = values.into_inner();
            options.case_sensitive = decl.case_sensitive.map(|c| *c.get_ref()).unwrap_or(true);
        }
        K::Regex => {
            let pattern = decl.pattern.ok_or_else(|| missing("`pattern = '...'`"))?;
            // A pattern rule is a full match: `\d{5}` must not accept `02139-1234`.
            let anchored = format!("^(?:{})$", pattern.get_ref());
            let regex = Regex::new(&anchored).map_err(|err| {
                source.error(
                    pattern.span(),
                    format!("pattern of rule {code} is not a valid regular expression"),
                    err.to_string().lines().last().unwrap_or("invalid").to_string(),
                    Some("patterns use Rust regex syntax; write them in single quotes so backslashes stay literal".into()),
                )
            })?;
            options.pattern = Some(regex);
            options.pattern_text = Some(pattern.into_inner());
        }
        K::Range => {
            // TOML reads `nan` and `inf` as numbers; a bound that is not a finite number was
            // silently no bound at all.
            for bound in [&decl.min, &decl.max].into_iter().flatten() {
                if !bound.get_ref().is_finite() {
                    return Err(source.error(
                        bound.span(),
                        format!(
                            "rule {code}: bound {} is not a finite number",
                            bound.get_ref()
                        ),
                        "expected a number such as 0 or 10 (leave the bound out for none)",
                        None,
                    ));
                }
            }
            options.min = decl.min.as_ref().map(|m| *m.get_ref());
            options.max = decl.max.as_ref().map(|m| *m.get_ref());
            match (options.min, options.max) {
                (None, None) => return Err(missing("`min` or `max`")),
                (Some(lo), Some(hi)) if lo > hi => {
                    let min_span = decl.min.as_ref().map(|m| m.span()).unwrap_or(rule_span);
                    return Err(source.error(
                        min_span,
                        format!("rule {code}: min {lo} is greater than max {hi}"),
                        format!("greater than max = {hi}: no value could pass"),
                        Some("min and max are inclusive bounds: min must be at most max".into()),
                    ));
                }
                _ => {}
            }
        }
        K::Compare => {
            let left = decl.left.ok_or_else(|| missing("`left`"))?;
            let op = decl.op.ok_or_else(|| missing("`op`"))?;
            let right = decl.right.ok_or_else(|| missing("`right`"))?;
            // A compare rule reads exactly its two sides.
            fields.clear();
            field_spans.clear();
            field_spans.push(left.span());
            fields.push(left.get_ref().clone());
            field_spans.push(right.span());
            fields.push(right.get_ref().clone());
            options.compare = Some((left.into_inner(), *op.get_ref(), right.into_inner()));
        }
        K::Reference => {
            let to = decl.to.ok_or_else(|| missing("`to = \"table.field\"`"))?;
            let Some((table, field)) = to.get_ref().split_once('.') else {
                return Err(source.error(
                    to.span(),
                    format!("`to` of rule {code} is not TABLE.FIELD"),
                    "expected e.g. \"companies.id\"",
                    None,
                ));
            };
            options.reference = Some((table.to_string(), field.to_string()));
        }
        K::Stale => {
            options.after_days = Some(decl.after_days.map(|d| *d.get_ref()).unwrap_or(365));
        }
        K::Consistency => {
            options.style = Some(decl.style.map(|s| *s.get_ref()).unwrap_or(StyleKind::Auto));
        }
        K::Unique => {
            options.normalize = Some(
                decl.normalize
                    .map(|n| *n.get_ref())
                    .unwrap_or(UniqueNormalize::Auto),
            );
        }
        _ => {}
    }
    let table_level = check.is_table_level() || check == K::Entity;
    if fields.is_empty() && !table_level {
        return Err(missing("`field = \"NAME\"` (or `fields = [..]`)"));
    }
    Ok(RuleSpec {
        code: Arc::from(code),
        name: Arc::from(name),
        check,
        scope,
        fields,
        severity: decl.severity,
        tolerance,
        message: decl.message,
        options,
        builtin,
        origin: Some((source.clone(), rule_span)),
        field_spans,
        table_span: decl.table.as_ref().map(|t| t.span()),
        code_span: Some(code_span),
        to_span,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, builtin: bool) -> Result<Vec<RuleSpec>> {
        parse_pack(
            &SourceText::new(Path::new("pack.toml"), text.to_string()),
            builtin,
        )
    }

    #[test]
    fn regex_rules_are_anchored_for_a_full_match() {
        let specs = parse(
            "[[rule]]\ncode = \"X001\"\nname = \"zip\"\ncheck = \"regex\"\ntable = \"contacts\"\nfield = \"postal_code\"\nseverity = \"warn\"\npattern = '\\d{5}'\n",
            false,
        )
        .unwrap();
        let regex = specs[0].options.pattern.as_ref().unwrap();
        assert!(regex.is_match("02139"));
        assert!(!regex.is_match("02139-1234"));
    }

    #[test]
    fn user_packs_cannot_take_dq_codes_or_builtin_kinds() {
        let dq = parse(
            "[[rule]]\ncode = \"DQ900\"\nname = \"x\"\ncheck = \"regex\"\ntable = \"t\"\nfield = \"f\"\nseverity = \"warn\"\npattern = 'a'\n",
            false,
        );
        assert!(dq.unwrap_err().to_string().contains("reserved DQ prefix"));
        let email = parse(
            "[[rule]]\ncode = \"X002\"\nname = \"x\"\ncheck = \"email\"\ntable = \"t\"\nfield = \"f\"\nseverity = \"warn\"\n",
            false,
        );
        assert!(email.unwrap_err().to_string().contains("built in"));
    }

    #[test]
    fn misplaced_options_are_errors_not_ignored() {
        let err = parse(
            "[[rule]]\ncode = \"X003\"\nname = \"x\"\ncheck = \"allowed\"\ntable = \"t\"\nfield = \"f\"\nseverity = \"warn\"\nvalues = [\"a\"]\npattern = 'a'\n",
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("option `pattern` does not apply"));
    }
}
