//! Making header names usable as column identifiers.
//!
//! Checks and mappings look columns up by name, so every name must be non-empty and unique.
//! Renames are returned so the report can say what was changed; nothing else about a name is
//! touched beyond trimming surrounding whitespace (exports often pad headers, and `" Email"`
//! should match `Email`).

use std::collections::HashSet;

/// Trims, fills empty names with `column_N` (1-based) and suffixes repeats with `_2`, `_3`, ...
/// Returns the final names and `(index, original, new)` for every renamed header; `original` is
/// the cell exactly as read.
pub(crate) fn clean(raw: &[String]) -> (Vec<String>, Vec<(usize, String, String)>) {
    let trimmed: Vec<&str> = raw.iter().map(|h| h.trim()).collect();
    // A generated name must not take a name that appears literally elsewhere in the header
    // (`id, id, id_2` must not produce two `id_2`s), so all literal names are reserved up front.
    let reserved: HashSet<&str> = trimmed.iter().copied().filter(|h| !h.is_empty()).collect();
    let mut taken: HashSet<String> = HashSet::with_capacity(raw.len());
    let mut names = Vec::with_capacity(raw.len());
    let mut renamed = Vec::new();
    for (i, &name) in trimmed.iter().enumerate() {
        let final_name = if name.is_empty() {
            unique(&format!("column_{}", i + 1), &reserved, &taken, true)
        } else if taken.contains(name) {
            unique(name, &reserved, &taken, false)
        } else {
            name.to_string()
        };
        if final_name != name {
            renamed.push((i, raw[i].clone(), final_name.clone()));
        }
        taken.insert(final_name.clone());
        names.push(final_name);
    }
    (names, renamed)
}

/// `base` itself when `try_base` and free, else the first free `base_2`, `base_3`, ...
fn unique(base: &str, reserved: &HashSet<&str>, taken: &HashSet<String>, try_base: bool) -> String {
    let free = |s: &str| !reserved.contains(s) && !taken.contains(s);
    if try_base && free(base) {
        return base.to_string();
    }
    // Terminates: at most `reserved.len() + taken.len()` suffixes can be in use.
    (2..)
        .map(|k| format!("{base}_{k}"))
        .find(|s| free(s))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn empty_and_repeated_names_are_renamed_and_recorded() {
        let (names, renamed) = clean(&strings(&["id", "", "email", "id", " id ", "  "]));
        assert_eq!(
            names,
            ["id", "column_2", "email", "id_2", "id_3", "column_6"]
        );
        assert_eq!(
            renamed,
            vec![
                (1, String::new(), "column_2".to_string()),
                (3, "id".to_string(), "id_2".to_string()),
                (4, " id ".to_string(), "id_3".to_string()),
                (5, "  ".to_string(), "column_6".to_string()),
            ]
        );
    }

    #[test]
    fn generated_names_avoid_literal_ones() {
        let (names, _) = clean(&strings(&["id", "id", "id_2", "", "column_4"]));
        assert_eq!(names, ["id", "id_3", "id_2", "column_4_2", "column_4"]);
    }

    #[test]
    fn inner_text_and_case_are_kept() {
        let (names, renamed) = clean(&strings(&["  First  Name ", "Email", "email"]));
        assert_eq!(names, ["First  Name", "Email", "email"]);
        assert!(renamed.is_empty());
    }
}
