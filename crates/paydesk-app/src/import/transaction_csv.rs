//! Transactions from a CSV file (`paydesk import transactions FILE`): a header row naming
//! the columns (any order), one transaction per row, loaded like the API loads them
//! (upserted by gateway and gateway reference, so a rerun changes nothing).
//!
//! Columns: `gateway`, `gateway_ref`, `status`, `amount` (minor units) and `currency` are
//! required; `kind` (default `charge`), `amount_refunded`, `customer_id`,
//! `customer_platform_id`, `customer_email`, `order_id`, `failure_code`,
//! `failure_message`, `payment_method`, `wallet`, `card_brand`, `card_last4` and
//! `created_at` (RFC 3339) are optional. A header naming any other column is refused
//! before anything is read.
//!
//! Card data: a card number or security code in `failure_message` is masked and counted;
//! one in any other column refuses the row (an identifier that had to be masked names
//! nothing). Either way it is never stored, and the report shows the row masked.

use super::csv_file::{CheckedCsv, CsvTickets, open_checked, raw_line, read_error};
use super::file::FileError;
use super::{Rejected, fields};
use crate::error::AppError;
use crate::payments::{CustomerRef, ItemOutcome, LoadOrigin, TransactionInput};
use crate::{App, Caller};
use paydesk_domain::CustomerId;
use paydesk_domain::payment::TransactionKind;
use paydesk_domain::redaction::{contains_card_data, redact};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The columns a transactions CSV may have.
pub const TRANSACTION_COLUMNS: &[&str] = &[
    "gateway",
    "gateway_ref",
    "kind",
    "status",
    "amount",
    "currency",
    "amount_refunded",
    "customer_id",
    "customer_platform_id",
    "customer_email",
    "order_id",
    "failure_code",
    "failure_message",
    "payment_method",
    "wallet",
    "card_brand",
    "card_last4",
    "created_at",
];

/// The columns it must have.
const REQUIRED: &[&str] = &["gateway", "gateway_ref", "status", "amount", "currency"];

/// The one column whose card data is masked rather than refused.
const FREE_TEXT: &str = "failure_message";

/// One readable row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRow {
    /// The CSV line it starts on.
    pub row: u64,
    /// The row as it is in the file, for the report.
    pub raw: String,
    pub input: TransactionInput,
}

/// Rows read from the file.
#[derive(Debug, Default)]
pub struct TransactionRows {
    pub rows: Vec<TransactionRow>,
    pub rejected: Vec<Rejected>,
    /// Rows read: both of the above.
    pub read: usize,
    /// Card numbers and security codes masked (in rows taken and refused alike).
    pub masked: usize,
}

/// A transactions CSV file, open for reading.
pub struct TransactionFile {
    path: PathBuf,
    reader: csv::Reader<File>,
    index: Vec<Option<usize>>,
    width: usize,
    total: u64,
}

impl TransactionFile {
    /// Opens `path` and checks its header. Errors: [`FileError`].
    pub fn open(path: &Path) -> Result<Self, FileError> {
        let CheckedCsv {
            reader,
            index,
            width,
        } = open_checked(path, TRANSACTION_COLUMNS, REQUIRED)?;
        Ok(Self {
            path: path.to_path_buf(),
            reader,
            index,
            width,
            total: CsvTickets::count(path)?,
        })
    }

    /// How many rows it holds after its header.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The source name its rows are recorded under: `csv:<file name>`.
    #[must_use]
    pub fn source(&self) -> String {
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        format!("csv:{name}")
    }

    /// Up to `max` more rows (at least one); none at the end of the file.
    /// Errors: the file cannot be read any further.
    pub fn next_batch(&mut self, max: usize) -> Result<TransactionRows, FileError> {
        let mut out = TransactionRows::default();
        let mut record = csv::ByteRecord::new();
        while out.read < max.max(1) {
            if !self
                .reader
                .read_byte_record(&mut record)
                .map_err(|e| read_error(&self.path, e))?
            {
                break;
            }
            out.read += 1;
            let row = record.position().map_or(0, csv::Position::line);
            match self.row(row, &record, &mut out.masked) {
                Ok(r) => out.rows.push(r),
                Err(r) => out.rejected.push(r),
            }
        }
        Ok(out)
    }

    fn row(
        &self,
        row: u64,
        record: &csv::ByteRecord,
        masked: &mut usize,
    ) -> Result<TransactionRow, Rejected> {
        let raw = raw_line(record);
        *masked += redact(&raw).count();
        let reject = |external_id: Option<&str>, reason: String| Rejected {
            row,
            external_id: external_id.map(str::to_string),
            reason,
            raw: raw.clone(),
        };
        let Ok(texts) = record
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<Vec<&str>, _>>()
        else {
            return Err(reject(
                None,
                "the row is not UTF-8 text; save the file as UTF-8".into(),
            ));
        };
        if texts.len() != self.width {
            return Err(reject(
                None,
                format!(
                    "the row has {} fields; the header has {}",
                    texts.len(),
                    self.width
                ),
            ));
        }
        let get = |name: &str| -> Option<&str> {
            let i = TRANSACTION_COLUMNS.iter().position(|c| *c == name)?;
            let at = self.index.get(i).copied().flatten()?;
            texts.get(at).map(|t| t.trim()).filter(|t| !t.is_empty())
        };
        let card_column = TRANSACTION_COLUMNS
            .iter()
            .filter(|c| **c != FREE_TEXT)
            .find(|c| get(c).is_some_and(contains_card_data));
        let reference = get("gateway_ref").filter(|r| !contains_card_data(r));
        if let Some(column) = card_column {
            return Err(reject(
                reference,
                format!(
                    "{column}: looks like a card number or security code; never send card data (masked in this report)"
                ),
            ));
        }
        let fail = |reason: String| reject(reference, reason);
        let number = |name: &str| -> Result<Option<i64>, Rejected> {
            get(name)
                .map(|t| {
                    t.parse::<i64>().map_err(|_| {
                        fail(format!(
                            "{name}: '{}' is not a whole number",
                            fields::shown(t)
                        ))
                    })
                })
                .transpose()
        };
        let label = |name: &str| get(name).map(|t| t.to_ascii_lowercase());
        let input = TransactionInput {
            gateway: get("gateway").unwrap_or_default().to_string(),
            gateway_ref: get("gateway_ref").unwrap_or_default().to_string(),
            kind: label("kind")
                .map_or(Ok(TransactionKind::Charge), |k| k.parse())
                .map_err(|e| fail(format!("kind: {e}")))?,
            status: label("status")
                .unwrap_or_default()
                .parse()
                .map_err(|e| fail(format!("status: {e}")))?,
            amount: number("amount")?.ok_or_else(|| fail("amount: missing".into()))?,
            currency: get("currency").unwrap_or_default().to_string(),
            amount_refunded: number("amount_refunded")?.unwrap_or(0),
            customer: CustomerRef {
                id: number("customer_id")?.map(CustomerId),
                platform_id: get("customer_platform_id").map(str::to_string),
                email: get("customer_email").map(str::to_string),
            },
            order_id: get("order_id").map(str::to_string),
            failure_code: get("failure_code").map(str::to_string),
            failure_message: get(FREE_TEXT).map(str::to_string),
            method: label("payment_method")
                .map(|m| m.parse())
                .transpose()
                .map_err(|e| fail(format!("payment_method: {e}")))?,
            wallet: get("wallet").map(str::to_string),
            card_brand: get("card_brand").map(str::to_string),
            card_last4: get("card_last4").map(str::to_string),
            created_at: get("created_at")
                .map(|t| fields::time("created_at", t))
                .transpose()
                .map_err(fail)?,
        };
        Ok(TransactionRow { row, raw, input })
    }
}

/// What one batch of rows came to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TransactionBatchOutcome {
    pub created: usize,
    pub updated: usize,
    /// Already there as they are (an earlier run loaded them).
    pub unchanged: usize,
    /// Rows the desk refused (an unknown customer id, a bad amount, ...), with the reason.
    pub rejected: Vec<Rejected>,
}

impl App {
    /// Loads one batch of rows read by [`TransactionFile`] (see
    /// [`App::load_transactions`]), under the source name `source`.
    ///
    /// Errors: as [`App::load_transactions`]; nothing of the batch is written then.
    pub async fn import_transactions(
        &self,
        caller: &Caller,
        source: &str,
        rows: &[TransactionRow],
    ) -> Result<TransactionBatchOutcome, AppError> {
        let mut out = TransactionBatchOutcome::default();
        if rows.is_empty() {
            return Ok(out);
        }
        let items: Vec<_> = rows.iter().map(|r| Ok(r.input.clone())).collect();
        let origin = LoadOrigin::Import(source.to_string());
        let result = self.load_transactions(caller, &items, &origin).await?;
        for (row, item) in rows.iter().zip(result.items) {
            match item {
                Ok(ItemOutcome::Created(_)) => out.created += 1,
                Ok(ItemOutcome::Updated(_)) => out.updated += 1,
                Ok(ItemOutcome::Unchanged(_)) => out.unchanged += 1,
                Err(e) => out.rejected.push(Rejected {
                    row: row.row,
                    external_id: Some(row.input.gateway_ref.clone()),
                    reason: format!("{}: {}", e.field, e.reason),
                    raw: row.raw.clone(),
                }),
            }
        }
        Ok(out)
    }
}
