//! Value normalisers for CRM cells.
//!
//! Every function here is pure: it looks only at its arguments (plus static
//! tables compiled in from `rules/aliases/`), allocates no more than the
//! result it returns, never panics, and is safe to call from many threads.
//! Callers memoise per distinct value, so each function is written to cope
//! with about a million distinct values per column in a few seconds.
//!
//! Each parser returns `Ok(canonical)` or `Err(reason)`, where the reason is
//! an enum whose `Display` is a short human sentence for the audit report.

pub mod country;
pub mod date;
pub mod email;
pub mod id_order;
pub mod number;
pub mod phone;
pub mod text;

#[cfg(test)]
mod proptests;
