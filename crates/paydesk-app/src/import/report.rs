//! The report of rejected rows: a CSV file with the row, the source id, the reason and the
//! row as it was in the file, so that the rows can be fixed and imported again. Card data
//! in any of them is masked: the report is written by paydesk, so it keeps none either.

use super::Rejected;
use super::file::FileError;
use paydesk_domain::redaction::redact;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A report being written; each batch's rows are flushed, so an interrupted import still
/// leaves the rows it refused.
pub struct RejectionReport {
    path: PathBuf,
    writer: csv::Writer<File>,
    rows: u64,
}

impl RejectionReport {
    /// Creates (or empties) the report at `path` and writes its header.
    /// Errors: [`FileError::Io`].
    pub fn create(path: &Path) -> Result<Self, FileError> {
        let file = File::create(path).map_err(|e| FileError::io(path, e))?;
        let mut report = Self {
            path: path.to_path_buf(),
            writer: csv::Writer::from_writer(file),
            rows: 0,
        };
        report.record(&["row", "external_id", "reason", "raw"])?;
        Ok(report)
    }

    /// Appends `rejected` and flushes. Errors: [`FileError::Io`].
    pub fn write(&mut self, rejected: &[Rejected]) -> Result<(), FileError> {
        for r in rejected {
            let id = r.external_id.as_deref().map(|i| redact(i).text);
            self.record(&[
                &r.row.to_string(),
                id.as_deref().unwrap_or(""),
                &redact(&r.reason).text,
                &redact(&r.raw).text,
            ])?;
            self.rows += 1;
        }
        self.writer
            .flush()
            .map_err(|e| FileError::io(&self.path, e))
    }

    /// How many rows it holds.
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn record(&mut self, fields: &[&str]) -> Result<(), FileError> {
        self.writer.write_record(fields).map_err(|e| {
            let e = match e.into_kind() {
                csv::ErrorKind::Io(e) => e,
                other => std::io::Error::other(format!("{other:?}")),
            };
            FileError::io(&self.path, e)
        })
    }
}
