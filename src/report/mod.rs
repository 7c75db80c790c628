//! The report model and its renderers. Every renderer reads only [`AuditReport`].

pub mod build;
pub mod json;
pub mod kpi_text;
pub mod model;
pub mod text;
pub mod worklist;

use std::io::Write;
use std::path::Path;

pub use model::AuditReport;

use crate::error::{Error, Result};

/// Writes `bytes` to `dir/name` through a temporary file in the same folder and a rename, so a
/// reader (or a crash) never sees half a file.
pub fn write_atomic(
    dir: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let target = dir.join(name);
    let fail = |source: std::io::Error| Error::Output {
        path: target.display().to_string(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempfile_in(dir)
        .map_err(fail)?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered).map_err(fail)?;
        buffered.flush().map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// `--out DIR`: report.json, worklist.csv and duplicates.csv.
pub fn write_outputs(report: &AuditReport, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.display().to_string(),
        source,
    })?;
    write_atomic(dir, "report.json", |w| json::write(report, w))?;
    write_atomic(dir, "worklist.csv", |w| worklist::write_worklist(report, w))?;
    write_atomic(dir, "duplicates.csv", |w| {
        worklist::write_duplicates(report, w)
    })?;
    Ok(())
}
