//! Turns a parsed mail into what a ticket holds: a subject, a message body within the
//! size limit, and the files (attachments, the HTML body, the full text when cut).

use super::kept::clean_text;
use paydesk_domain::message::{AttachmentMeta, BODY_MAX};
use paydesk_domain::redaction::contains_card_data;
use paydesk_mail::InboundMail;

/// The most attachments kept from one mail; the rest are named in a note.
const ATTACHMENTS_MAX: usize = 50;
/// The longest subject a ticket takes, in characters.
const SUBJECT_MAX: usize = 250;

/// A mail's contents, ready for a ticket or a reply.
pub(crate) struct Composed {
    pub subject: String,
    pub body: String,
    pub attachments: Vec<AttachmentMeta>,
}

/// A subject fit for a ticket: no NUL, not empty, at most 250 characters.
pub(crate) fn subject(raw: &str) -> String {
    let s = clean_text(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if s.is_empty() {
        return "(no subject)".into();
    }
    s.chars().take(SUBJECT_MAX).collect()
}

fn cut(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A media type is stored as a label: anything odd in it becomes a neutral type.
fn content_type(raw: &str) -> String {
    let ok = !raw.is_empty()
        && raw.len() <= 127
        && raw.contains('/')
        && raw.bytes().all(|b| b.is_ascii_graphic() && b != b';')
        && !contains_card_data(raw);
    if ok {
        raw.to_string()
    } else {
        "application/octet-stream".into()
    }
}

fn filename(raw: &str) -> String {
    let name = clean_text(raw);
    let name = name.trim();
    if name.is_empty() {
        "attachment".into()
    } else {
        name.chars().take(255).collect()
    }
}

/// Composes the ticket-side form of `mail`.
pub(crate) fn compose(mail: &InboundMail) -> Composed {
    let mut attachments = Vec::new();
    let mut notes = Vec::new();
    let text = clean_text(mail.text.trim());
    let mut body = if text.is_empty() {
        if mail.attachments.is_empty() {
            "(the email had no text)".to_string()
        } else {
            "(the email had no text, only attachments)".to_string()
        }
    } else {
        text.clone()
    };
    // Room for the notes appended below.
    let room = BODY_MAX - 1024;
    if body.len() > room {
        body = cut(&body, room).to_string();
        notes.push("The text was cut here; the whole text is attached as message.txt.".to_string());
        attachments.push(AttachmentMeta::with_content(
            "message.txt".into(),
            "text/plain".into(),
            text.into_bytes(),
        ));
    }
    if let Some(html) = &mail.html {
        attachments.push(AttachmentMeta::with_content(
            "message.html".into(),
            "text/html".into(),
            clean_text(html).into_bytes(),
        ));
    }
    for (i, a) in mail.attachments.iter().enumerate() {
        if i >= ATTACHMENTS_MAX {
            notes.push(format!(
                "{} more attachments were not kept (at most {ATTACHMENTS_MAX} per email).",
                mail.attachments.len() - ATTACHMENTS_MAX
            ));
            break;
        }
        attachments.push(AttachmentMeta::with_content(
            filename(&a.filename),
            content_type(&a.content_type),
            a.content.clone(),
        ));
    }
    for n in notes {
        body.push_str("\n\n[");
        body.push_str(&n);
        body.push(']');
    }
    Composed {
        subject: subject(&mail.subject),
        body,
        attachments,
    }
}
