//! The CSV import format: a header row naming the columns (any order), one ticket per row.
//!
//! Columns: `external_id` (required: the key that makes a rerun skip the row), `subject`,
//! `description` (the first message), `requester_email`, `requester_name`, `business_line`,
//! `status`, `priority`, `channel`, `category`, `tags` (space or comma separated),
//! `created_at` (RFC 3339) and `queue` (a queue's key). A header naming any other column
//! is refused before anything is read, so a typo never silently drops a field.

use super::file::FileError;
use super::{ImportedAuthor, ImportedMessage, ImportedTicket, Rejected, Requester, fields};
use paydesk_domain::ticket::{Channel, Priority, Status};
use std::fs::File;
use std::path::Path;

/// The columns a CSV file may have.
pub const COLUMNS: &[&str] = &[
    "external_id",
    "subject",
    "description",
    "requester_email",
    "requester_name",
    "business_line",
    "status",
    "priority",
    "channel",
    "category",
    "tags",
    "created_at",
    "queue",
];

/// The columns a CSV file must have.
const REQUIRED: &[&str] = &["external_id", "subject", "description"];

/// Rows of a CSV file, read one at a time.
pub(crate) struct CsvTickets {
    reader: csv::Reader<File>,
    /// For each of [`COLUMNS`], its index in the file's rows.
    index: Vec<Option<usize>>,
    width: usize,
}

pub(super) fn reader(path: &Path) -> Result<csv::Reader<File>, FileError> {
    let file = File::open(path).map_err(|e| FileError::io(path, e))?;
    Ok(csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(file))
}

pub(super) fn read_error(path: &Path, e: csv::Error) -> FileError {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => FileError::io(path, e),
        other => FileError::Format(format!("{}: {other:?}", path.display())),
    }
}

impl CsvTickets {
    /// Opens `path` and checks its header. Errors: [`FileError::Io`]; [`FileError::Columns`]
    /// for unknown, repeated or missing columns.
    pub(crate) fn open(path: &Path) -> Result<Self, FileError> {
        let CheckedCsv {
            reader,
            index,
            width,
        } = open_checked(path, COLUMNS, REQUIRED)?;
        Ok(Self {
            reader,
            index,
            width,
        })
    }

    /// How many rows `path` has after its header.
    pub(crate) fn count(path: &Path) -> Result<u64, FileError> {
        let mut reader = reader(path)?;
        let mut record = csv::ByteRecord::new();
        let mut n = 0;
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| read_error(path, e))?
        {
            n += 1;
        }
        Ok(n)
    }

    /// The next row, read or refused; None at the end. Errors: the file cannot be read.
    pub(crate) fn next_row(
        &mut self,
        path: &Path,
    ) -> Result<Option<Result<ImportedTicket, Rejected>>, FileError> {
        let mut record = csv::ByteRecord::new();
        if !self
            .reader
            .read_byte_record(&mut record)
            .map_err(|e| read_error(path, e))?
        {
            return Ok(None);
        }
        let row = record.position().map_or(0, csv::Position::line);
        Ok(Some(self.ticket(row, &record)))
    }

    fn ticket(&self, row: u64, record: &csv::ByteRecord) -> Result<ImportedTicket, Rejected> {
        let raw = raw_line(record);
        let texts: Result<Vec<&str>, _> = record.iter().map(std::str::from_utf8).collect();
        let reject = |external_id: Option<&str>, reason: String| Rejected {
            row,
            external_id: external_id.map(str::to_string),
            reason,
            raw: raw.clone(),
        };
        let Ok(texts) = texts else {
            return Err(reject(
                None,
                "the row is not UTF-8 text; save the file as UTF-8".into(),
            ));
        };
        let field = |name: &str| -> Option<&str> {
            let i = COLUMNS.iter().position(|c| *c == name)?;
            let at = self.index.get(i).copied().flatten()?;
            texts.get(at).copied()
        };
        let get = |name: &str| field(name).map(str::trim).filter(|t| !t.is_empty());
        let external_id = get("external_id");
        if texts.len() != self.width {
            return Err(reject(
                external_id,
                format!(
                    "the row has {} fields; the header has {}",
                    texts.len(),
                    self.width
                ),
            ));
        }
        let Some(external_id) = external_id else {
            return Err(reject(None, "external_id: missing".into()));
        };
        let fail = |reason: String| reject(Some(external_id), reason);
        // Tags are split on spaces, which would cut a card number into harmless groups.
        if get("tags").is_some_and(paydesk_domain::redaction::contains_card_data) {
            return Err(fail(
                "tags: looks like a card number or security code; never send card data".into(),
            ));
        }
        let created_at = get("created_at")
            .map(|t| fields::time("created_at", t))
            .transpose()
            .map_err(fail)?;
        let description = field("description").unwrap_or("");
        let messages = if description.trim().is_empty() {
            vec![]
        } else {
            vec![ImportedMessage {
                author: ImportedAuthor::Requester,
                is_public: true,
                body: description.to_string(),
                at: created_at,
            }]
        };
        let requester = match (get("requester_email"), get("requester_name")) {
            (None, None) => None,
            (email, name) => Some(Requester {
                email: email.map(str::to_string),
                name: name.map(str::to_string),
                source_id: None,
            }),
        };
        Ok(ImportedTicket {
            row,
            external_id: external_id.to_string(),
            raw: raw.clone(),
            subject: get("subject").unwrap_or("").to_string(),
            status: get("status")
                .map_or(Ok(Status::New), fields::status)
                .map_err(fail)?,
            priority: get("priority")
                .map_or(Ok(Priority::Normal), fields::priority)
                .map_err(fail)?,
            channel: get("channel")
                .map_or(Ok(Channel::Api), fields::channel)
                .map_err(fail)?,
            business_line: get("business_line")
                .map(fields::business_line)
                .transpose()
                .map_err(fail)?,
            category: get("category").map(str::to_string),
            tags: get("tags").map(fields::tag_list).unwrap_or_default(),
            queue: get("queue").map(str::to_string),
            created_at,
            updated_at: None,
            requester,
            messages,
        })
    }
}

/// A CSV file whose header was checked.
pub(super) struct CheckedCsv {
    pub reader: csv::Reader<File>,
    /// For each of the expected columns, its index in the file's rows.
    pub index: Vec<Option<usize>>,
    /// How many fields the header has.
    pub width: usize,
}

/// Opens a CSV file and checks its header against `columns` and `required`.
pub(super) fn open_checked(
    path: &Path,
    columns: &[&str],
    required: &[&str],
) -> Result<CheckedCsv, FileError> {
    let mut reader = reader(path)?;
    let header = reader.byte_headers().map_err(|e| read_error(path, e))?;
    let names: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let index = check_header(&names, columns, required)?;
    Ok(CheckedCsv {
        reader,
        index,
        width: names.len(),
    })
}

/// For each of `columns`, where it is in the header; refuses unknown, repeated and
/// missing (`required`) columns.
fn check_header(
    names: &[String],
    columns: &[&str],
    required: &[&str],
) -> Result<Vec<Option<usize>>, FileError> {
    let unknown: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| !columns.contains(&n.as_str()))
        .map(|(i, n)| {
            if n.is_empty() {
                format!("(column {} has no name)", i + 1)
            } else {
                format!("'{}'", fields::shown(n))
            }
        })
        .collect();
    if !unknown.is_empty() {
        let hint = format!("the columns are {}", columns.join(", "));
        return Err(columns_error("unknown", &unknown, &hint));
    }
    let mut index = vec![None; columns.len()];
    for (at, name) in names.iter().enumerate() {
        if let Some(i) = columns.iter().position(|c| c == name) {
            if index[i].is_some() {
                return Err(FileError::Columns(format!(
                    "the column '{name}' appears twice"
                )));
            }
            index[i] = Some(at);
        }
    }
    let missing: Vec<String> = required
        .iter()
        .filter(|r| !names.iter().any(|n| n == *r))
        .map(|r| (*r).to_string())
        .collect();
    if !missing.is_empty() {
        let hint = format!("a CSV import needs at least {}", required.join(", "));
        return Err(columns_error("missing", &missing, &hint));
    }
    Ok(index)
}

/// `<what> column(s) <names>; <hint>`.
fn columns_error(what: &str, names: &[String], hint: &str) -> FileError {
    let plural = if names.len() == 1 { "" } else { "s" };
    FileError::Columns(format!(
        "{what} column{plural} {}; {hint}",
        names.join(", ")
    ))
}

/// The row as a CSV line, as close to the file as the parser allows.
pub(super) fn raw_line(record: &csv::ByteRecord) -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let bytes = match writer.write_byte_record(record) {
        Ok(()) => writer.into_inner().unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    String::from_utf8_lossy(&bytes)
        .trim_end_matches('\n')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn header_in_any_order() {
        let index = check_header(
            &names(&["subject", "description", "external_id"]),
            COLUMNS,
            REQUIRED,
        )
        .unwrap();
        assert_eq!(index[0], Some(2));
        assert_eq!(index[1], Some(0));
        assert_eq!(index[3], None);
    }

    #[test]
    fn header_refuses_unknown_missing_and_repeated_columns() {
        let e = check_header(
            &names(&["external_id", "subject", "description", "assignee"]),
            COLUMNS,
            REQUIRED,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("'assignee'"), "{e}");
        let e = check_header(&names(&["external_id", "subject"]), COLUMNS, REQUIRED)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing column description"), "{e}");
        let e = check_header(
            &names(&["external_id", "subject", "description", "subject"]),
            COLUMNS,
            REQUIRED,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("twice"), "{e}");
    }
}
