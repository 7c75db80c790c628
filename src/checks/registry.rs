//! Every built-in check. Adding a rule is one file, one line here, one fixture and one test.

use crate::config::CheckKind;

use super::Check;
use super::{
    dq001_invalid_email, dq002_invalid_phone, dq003_invalid_date, dq004_ambiguous_date,
    dq005_excel_serial_date, dq006_value_not_allowed, dq007_pattern_mismatch, dq008_out_of_range,
    dq009_invalid_number, dq010_surrounding_whitespace, dq011_invalid_encoding, dq012_ragged_row,
    dq013_broken_quote, dq014_control_character, dq015_header_name, dq016_stray_quote,
    dq020_inconsistent_format, dq101_missing_required, dq102_empty_column, dq103_empty_table,
    dq201_duplicate_value, dq202_probable_duplicate, dq301_stale_record, dq401_field_order,
    dq402_orphan_reference,
};

pub const ALL: &[&dyn Check] = &[
    &dq001_invalid_email::InvalidEmail,
    &dq002_invalid_phone::InvalidPhone,
    &dq003_invalid_date::InvalidDate,
    &dq004_ambiguous_date::AmbiguousDate,
    &dq005_excel_serial_date::ExcelSerialDate,
    &dq006_value_not_allowed::ValueNotAllowed,
    &dq007_pattern_mismatch::PatternMismatch,
    &dq008_out_of_range::OutOfRange,
    &dq009_invalid_number::InvalidNumber,
    &dq010_surrounding_whitespace::SurroundingWhitespace,
    &dq011_invalid_encoding::InvalidEncoding,
    &dq012_ragged_row::RaggedRow,
    &dq013_broken_quote::BrokenQuote,
    &dq014_control_character::ControlCharacter,
    &dq015_header_name::HeaderName,
    &dq016_stray_quote::StrayQuote,
    &dq020_inconsistent_format::InconsistentFormat,
    &dq101_missing_required::MissingRequired,
    &dq102_empty_column::EmptyColumn,
    &dq103_empty_table::EmptyTable,
    &dq201_duplicate_value::DuplicateValue,
    &dq202_probable_duplicate::ProbableDuplicate,
    &dq301_stale_record::StaleRecord,
    &dq401_field_order::FieldOrder,
    &dq402_orphan_reference::OrphanReference,
];

pub fn by_kind(kind: CheckKind) -> &'static dyn Check {
    ALL.iter()
        .copied()
        .find(|c| c.kind() == kind)
        .expect("every CheckKind has a check in the registry (tested)")
}

pub fn by_code(code: &str) -> Option<&'static dyn Check> {
    ALL.iter().copied().find(|c| c.code() == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut codes: Vec<&str> = ALL.iter().map(|c| c.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ALL.len());
        for check in ALL {
            assert!(check.code().starts_with("DQ") && check.code().len() == 5);
            for heading in ["## What it does", "## Why it matters", "## Example"] {
                assert!(
                    check.explain().contains(heading),
                    "{} lacks {heading}",
                    check.code()
                );
            }
        }
    }

    #[test]
    fn every_check_kind_has_exactly_one_check() {
        let kinds = [
            CheckKind::Required,
            CheckKind::Email,
            CheckKind::Phone,
            CheckKind::Date,
            CheckKind::DateAmbiguity,
            CheckKind::ExcelSerialDate,
            CheckKind::Number,
            CheckKind::Allowed,
            CheckKind::Regex,
            CheckKind::Range,
            CheckKind::Unique,
            CheckKind::Stale,
            CheckKind::Consistency,
            CheckKind::Whitespace,
            CheckKind::EmptyColumn,
            CheckKind::Compare,
            CheckKind::Reference,
            CheckKind::Encoding,
            CheckKind::RaggedRow,
            CheckKind::BrokenQuote,
            CheckKind::StrayQuote,
            CheckKind::ControlCharacter,
            CheckKind::HeaderName,
            CheckKind::EmptyTable,
            CheckKind::Entity,
        ];
        for kind in kinds {
            assert_eq!(
                ALL.iter().filter(|c| c.kind() == kind).count(),
                1,
                "{kind:?}"
            );
        }
    }
}
