//! The report model and its renderers. Every renderer reads only [`AuditReport`].

pub mod build;
pub mod csv_cells;
pub mod history;
pub mod history_text;
pub mod html;
pub mod json;
pub mod junit;
pub mod kpi_text;
pub mod markdown;
pub mod model;
pub mod terminal;
pub mod text;
pub mod view;
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
        reason: source,
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
    // Temporary files are created private (0600); a report is for the team and the CI job that
    // collects artifacts, so it gets the usual permissions of a written file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Creates `--out DIR` if needed; a path that exists and is not a folder is a usage error with
/// a hint, not an OS error code.
pub fn prepare_out_dir(dir: &Path) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(crate::error::usage_help(
            format!("--out {} is a file, not a folder", dir.display()),
            "--out names a folder to write report.json, report.html, worklist.csv and duplicates.csv in",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|source| Error::Output {
        path: dir.display().to_string(),
        reason: source,
    })
}

/// `--out DIR`: report.json, report.html, worklist.csv and duplicates.csv.
pub fn write_outputs(report: &AuditReport, dir: &Path, cells: csv_cells::CsvCells) -> Result<()> {
    prepare_out_dir(dir)?;
    write_atomic(dir, "report.json", |w| json::write(report, w))?;
    write_atomic(dir, "report.html", |w| html::write(report, w))?;
    write_atomic(dir, "worklist.csv", |w| {
        worklist::write_worklist(report, cells, w)
    })?;
    write_atomic(dir, "duplicates.csv", |w| {
        worklist::write_duplicates(report, cells, w)
    })?;
    Ok(())
}
