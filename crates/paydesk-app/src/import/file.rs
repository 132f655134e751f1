//! Opening an import file: which format it is (by the name's extension, else by its
//! first bytes), and reading its rows one at a time.

use super::csv_file::CsvTickets;
use super::zendesk::ZendeskTickets;
use super::{ImportedTicket, Rejected};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a file cannot be imported at all (as opposed to a row that is refused).
#[derive(Debug, Error)]
pub enum FileError {
    #[error("cannot read {path}: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// The CSV header names unknown columns, a column twice, or misses a required one.
    #[error("{0}")]
    Columns(String),
    /// Not the format it was taken for.
    #[error("{0}")]
    Format(String),
}

impl FileError {
    pub(crate) fn io(path: &Path, cause: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            cause,
        }
    }
}

/// The formats `paydesk import tickets` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// A header row and one ticket per row (see the README).
    Csv,
    /// A Zendesk export: `{"tickets": [...], "users": [...]}` or JSON lines.
    Zendesk,
}

impl ImportFormat {
    /// The format of `path`: `.csv` is CSV; `.json`, `.jsonl` and `.ndjson` are Zendesk;
    /// otherwise a file starting with `{` or `[` is Zendesk and anything else CSV.
    pub fn sniff(path: &Path) -> Result<Self, FileError> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("csv") => return Ok(Self::Csv),
            Some("json" | "jsonl" | "ndjson") => return Ok(Self::Zendesk),
            _ => {}
        }
        let mut head = [0_u8; 512];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| FileError::io(path, e))?;
        let head = head.get(..n).unwrap_or_default();
        let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
        Ok(match head.trim_ascii_start().first() {
            Some(b'{' | b'[') => Self::Zendesk,
            _ => Self::Csv,
        })
    }

    /// Its name on the command line.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Zendesk => "zendesk",
        }
    }
}

/// Rows read from a file: the tickets, and the rows that could not be read.
#[derive(Debug, Default)]
pub struct FileBatch {
    pub tickets: Vec<ImportedTicket>,
    pub rejected: Vec<Rejected>,
    /// Rows read: both of the above.
    pub read: usize,
}

enum Rows {
    Csv(CsvTickets),
    Zendesk(ZendeskTickets),
}

/// An import file, open for reading its tickets in order.
pub struct TicketFile {
    path: PathBuf,
    format: ImportFormat,
    rows: Rows,
    total: u64,
}

impl TicketFile {
    /// Opens `path` as `format` (None: see [`ImportFormat::sniff`]). A CSV header is
    /// checked here and a JSON export read whole, so a file that cannot be imported is
    /// refused before any row is. Errors: [`FileError`].
    pub fn open(path: &Path, format: Option<ImportFormat>) -> Result<Self, FileError> {
        let format = match format {
            Some(f) => f,
            None => ImportFormat::sniff(path)?,
        };
        let (rows, total) = match format {
            ImportFormat::Csv => (Rows::Csv(CsvTickets::open(path)?), CsvTickets::count(path)?),
            ImportFormat::Zendesk => {
                let z = ZendeskTickets::open(path)?;
                let n = z.count();
                (Rows::Zendesk(z), n)
            }
        };
        Ok(Self {
            path: path.to_path_buf(),
            format,
            rows,
            total,
        })
    }

    /// The format it is read as.
    #[must_use]
    pub fn format(&self) -> ImportFormat {
        self.format
    }

    /// How many rows (CSV) or tickets (Zendesk) it holds.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The source its ids are recorded for, so a rerun skips what already landed:
    /// `csv:<file name>` (CSV ids belong to the file they came from) or `zendesk` (ticket
    /// ids are unique across a Zendesk account). See [`super::ImportOptions::source`].
    #[must_use]
    pub fn default_source(&self) -> String {
        match self.format {
            ImportFormat::Csv => format!(
                "csv:{}",
                self.path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            ImportFormat::Zendesk => "zendesk".into(),
        }
    }

    /// Up to `max` more rows (at least one); an empty batch at the end of the file.
    /// Errors: the file cannot be read any further.
    pub fn next_batch(&mut self, max: usize) -> Result<FileBatch, FileError> {
        let mut batch = FileBatch::default();
        while batch.read < max.max(1) {
            match self.next_row()? {
                Some(Ok(t)) => batch.tickets.push(t),
                Some(Err(r)) => batch.rejected.push(r),
                None => break,
            }
            batch.read += 1;
        }
        Ok(batch)
    }

    /// The next row, read or refused with the reason; None at the end.
    /// Errors: the file cannot be read any further.
    pub fn next_row(&mut self) -> Result<Option<Result<ImportedTicket, Rejected>>, FileError> {
        match &mut self.rows {
            Rows::Csv(c) => c.next_row(&self.path),
            Rows::Zendesk(z) => Ok(z.next_row()),
        }
    }
}
