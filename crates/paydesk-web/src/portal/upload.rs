//! Reading a portal form sent as `multipart/form-data`: its text fields and its files,
//! within limits a person is told about.
//!
//! Files over the per-file limit, or past the total, or past the count, are read to their
//! end and dropped, and the problem is named, so the form can be shown again with what the
//! person typed. Only a body past [`BODY_MAX`] is cut off.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use paydesk_domain::message::AttachmentMeta;
use std::collections::HashMap;

/// The largest file accepted.
pub const FILE_MAX: usize = 5 * 1024 * 1024;
/// The most bytes of files in one submission.
pub const FILES_TOTAL_MAX: usize = 10 * 1024 * 1024;
/// The most files in one submission.
pub const FILES_MAX: usize = 5;
/// The longest text field kept (the description's limit is the message limit).
const TEXT_MAX: usize = paydesk_domain::message::BODY_MAX + 1024;
/// The largest request body read at all; past it the request is refused whole.
pub const BODY_MAX: usize = 24 * 1024 * 1024;

/// The limits, as a person reads them.
#[must_use]
pub fn limits_text() -> String {
    format!(
        "Up to {FILES_MAX} files, at most {} each and {} together.",
        size_text(FILE_MAX as u64),
        size_text(FILES_TOTAL_MAX as u64)
    )
}

/// A size as a person reads it: `512 bytes`, `12.3 KB`, `4.5 MB`.
#[must_use]
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    let in_unit = |unit: u64, name: &str| {
        let tenths = (bytes * 10 + unit / 2) / unit;
        match tenths % 10 {
            0 => format!("{} {name}", tenths / 10),
            t => format!("{}.{t} {name}", tenths / 10),
        }
    };
    if bytes < KB {
        format!("{bytes} bytes")
    } else if bytes < MB {
        in_unit(KB, "KB")
    } else {
        in_unit(MB, "MB")
    }
}

/// What a form sent.
#[derive(Debug, Default)]
pub struct Upload {
    fields: HashMap<String, String>,
    pub files: Vec<AttachmentMeta>,
    /// Why files were dropped, to show beside the file field.
    pub file_problem: Option<String>,
    /// Text fields that were too long (their text is dropped).
    pub too_long: Vec<String>,
}

impl Upload {
    /// A text field's value; empty when absent.
    #[must_use]
    pub fn text(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Why a form could not be read at all.
#[derive(Debug)]
pub enum Unreadable {
    /// The body is larger than [`BODY_MAX`].
    TooLarge,
    /// Not a multipart body, or a broken one.
    Malformed,
}

impl From<MultipartError> for Unreadable {
    fn from(e: MultipartError) -> Self {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            Unreadable::TooLarge
        } else {
            Unreadable::Malformed
        }
    }
}

/// Reads every field of `multipart`.
pub async fn read(mut multipart: Multipart) -> Result<Upload, Unreadable> {
    let mut upload = Upload::default();
    let mut total = 0usize;
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let cap = if file_name.is_some() {
            FILE_MAX
        } else {
            TEXT_MAX
        };
        let mut bytes = Vec::new();
        let mut over = false;
        while let Some(chunk) = field.chunk().await? {
            if over || bytes.len() + chunk.len() > cap {
                over = true;
                bytes.clear();
            } else {
                bytes.extend_from_slice(&chunk);
            }
        }
        match file_name {
            None if over => upload.too_long.push(name),
            None => {
                upload
                    .fields
                    .entry(name)
                    .or_insert_with(|| String::from_utf8_lossy(&bytes).into_owned());
            }
            // An empty file input sends a nameless, empty part.
            Some(f) if f.is_empty() && bytes.is_empty() && !over => {}
            Some(f) => {
                let shown = clean_name(&f);
                let problem = if over {
                    Some(format!(
                        "“{shown}” is larger than {}: attach files of at most {} each.",
                        size_text(FILE_MAX as u64),
                        size_text(FILE_MAX as u64)
                    ))
                } else if upload.files.len() == FILES_MAX {
                    Some(format!("Attach at most {FILES_MAX} files."))
                } else if total + bytes.len() > FILES_TOTAL_MAX {
                    Some(format!(
                        "The files together are larger than {}: attach fewer or smaller files.",
                        size_text(FILES_TOTAL_MAX as u64)
                    ))
                } else {
                    None
                };
                match problem {
                    Some(p) => {
                        upload.file_problem.get_or_insert(p);
                    }
                    None => {
                        total += bytes.len();
                        upload.files.push(AttachmentMeta::with_content(
                            shown,
                            media_type(content_type.as_deref()),
                            bytes,
                        ));
                    }
                }
            }
        }
    }
    Ok(upload)
}

/// The file's own name, without any folder a browser put before it, at most 255 bytes.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw).trim();
    let base: String = base.chars().filter(|c| !c.is_control()).collect();
    let mut name = if base.is_empty() {
        "attachment".to_string()
    } else {
        base
    };
    while name.len() > 255 {
        name.pop();
    }
    name
}

/// The part's media type when it is a plain `type/subtype`, else a generic one.
fn media_type(raw: Option<&str>) -> String {
    let t = raw.unwrap_or("").split(';').next().unwrap_or("").trim();
    let ok = t.len() <= 100
        && t.split_once('/').is_some_and(|(a, b)| {
            let token = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&c))
            };
            token(a) && token(b)
        });
    if ok {
        t.to_ascii_lowercase()
    } else {
        "application/octet-stream".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(size_text(512), "512 bytes");
        assert_eq!(size_text(12_595), "12.3 KB");
        assert_eq!(size_text(5 * 1024 * 1024), "5 MB");
        assert_eq!(size_text(1024 * 1024 + 200 * 1024), "1.2 MB");
    }

    #[test]
    fn names_lose_their_folders() {
        assert_eq!(clean_name("C:\\fakepath\\receipt.pdf"), "receipt.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("  "), "attachment");
        assert_eq!(clean_name(&"é".repeat(200)).len(), 254);
    }

    #[test]
    fn media_types_are_plain_or_generic() {
        assert_eq!(media_type(Some("Image/PNG; x=y")), "image/png");
        assert_eq!(
            media_type(Some("text/plain\u{7}")),
            "application/octet-stream"
        );
        assert_eq!(media_type(None), "application/octet-stream");
    }
}
