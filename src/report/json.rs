//! `--format json` and `report.json`.

use std::io::Write;

use super::AuditReport;

pub fn write(report: &AuditReport, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
