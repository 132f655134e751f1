//! Email intake parsing for paydesk.
//!
//! Turns the raw bytes of one RFC 5322 message into an [`InboundMail`]: decoded
//! headers, the best plain-text body, the HTML body, attachments, and a
//! [`MailKind`] that tells the intake layer whether the message is noise (an
//! auto-reply or a bounce) rather than a customer writing in.
//!
//! The crate is pure: no I/O, no clock, no async. It never panics on any input;
//! anything odd but survivable is reported in [`InboundMail::warnings`], and only
//! input with nothing usable in it yields a [`ParseFailure`], so the caller can
//! keep the raw message on a ticket together with the reason.

mod html;
mod noise;
mod reference;

use std::panic::{self, AssertUnwindSafe};

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::{Addr, Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

pub use html::html_to_text;
pub use reference::ticket_reference;

/// One parsed inbound message, shaped for paydesk's intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMail {
    /// `Message-ID`, without the angle brackets.
    pub message_id: Option<String>,
    /// Ids from `In-Reply-To`, without angle brackets, in header order.
    pub in_reply_to: Vec<String>,
    /// Ids from every `References` header, without angle brackets, in order.
    pub references: Vec<String>,
    /// The first `From` mailbox.
    pub from: Option<Mailbox>,
    /// The first `Reply-To` mailbox.
    pub reply_to: Option<Mailbox>,
    /// Every `To` mailbox (groups are flattened).
    pub to: Vec<Mailbox>,
    /// The subject, RFC 2047-decoded and trimmed; `""` when absent.
    pub subject: String,
    /// `Date` as epoch milliseconds UTC; `None` when missing or unparseable.
    pub date: Option<i64>,
    /// The best text body: the `text/plain` parts, else a text rendering of the
    /// HTML body; `""` when the message has neither.
    pub text: String,
    /// The HTML body as sent, when there was one.
    pub html: Option<String>,
    /// Attachments and inline non-body parts, in message order.
    pub attachments: Vec<Attachment>,
    /// Whether this is a customer message, an auto-reply or a bounce.
    pub kind: MailKind,
    /// Anything odd but survivable (bad date, unknown charset, broken encoding).
    pub warnings: Vec<String>,
}

/// A mailbox from an address header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// Display name, decoded; `None` when absent or blank.
    pub name: Option<String>,
    /// The address, lower-cased.
    pub address: String,
}

/// One attachment (or inline part that is not the message body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Decoded file name (RFC 2231 / RFC 2047 handled); `attachment-N`
    /// (1-based position among attachments) when the part names none.
    pub filename: String,
    /// Lower-cased `type/subtype`; `application/octet-stream` when absent.
    pub content_type: String,
    /// Length of [`Attachment::content`].
    pub size_bytes: u64,
    /// Transfer-decoded content. Text parts are charset-decoded to UTF-8;
    /// attached messages keep their raw bytes.
    pub content: Vec<u8>,
    /// True when the part is meant to be shown inline (disposition `inline`,
    /// or no disposition but a `Content-ID`, as for images in HTML mail).
    pub is_inline: bool,
}

/// What kind of message this is, for deciding whether it reaches a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailKind {
    /// A message written by a person.
    Normal,
    /// An automatic reply (out of office, vacation, auto-responder).
    AutoReply {
        /// Which rule matched, for the audit trail.
        reason: String,
    },
    /// A delivery failure or delay report.
    Bounce {
        /// Which rule matched, for the audit trail.
        reason: String,
    },
}

/// Nothing usable could be read from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    /// Why, in words fit for a ticket note.
    pub reason: String,
}

impl std::fmt::Display for ParseFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unreadable email: {}", self.reason)
    }
}

impl std::error::Error for ParseFailure {}

/// Reason given when the underlying MIME parser panicked; tests look for it.
pub const INTERNAL_PANIC_REASON: &str = "the MIME parser failed internally";

/// Parses one raw RFC 5322 message.
///
/// # Errors
///
/// [`ParseFailure`] only when nothing usable can be read: empty input, input
/// with no header at all, or an internal failure of the MIME parser. Everything
/// else parses, with oddities listed in [`InboundMail::warnings`].
pub fn parse(raw: &[u8]) -> Result<InboundMail, ParseFailure> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(failure("empty input"));
    }
    // mail-parser is robust, but an intake must never lose a message to a bug
    // in a dependency: a panic becomes a failure the caller keeps raw.
    panic::catch_unwind(AssertUnwindSafe(|| parse_inner(raw)))
        .unwrap_or_else(|_| Err(failure(INTERNAL_PANIC_REASON)))
}

fn failure(reason: &str) -> ParseFailure {
    ParseFailure {
        reason: reason.to_owned(),
    }
}

fn parse_inner(raw: &[u8]) -> Result<InboundMail, ParseFailure> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| failure("no message structure could be read"))?;
    if message.headers().is_empty() {
        return Err(failure("no headers found"));
    }
    // Text that merely looks like a header line is not a mail: without one of the
    // headers every mail carries, there is nothing to thread, answer or attribute.
    let has_mail_header = message.from().is_some()
        || message.to().is_some()
        || message.subject().is_some()
        || message.date().is_some()
        || message.message_id().is_some();
    if !has_mail_header {
        return Err(failure(
            "no mail headers found (From, To, Subject, Date or Message-ID)",
        ));
    }
    let mut warnings = Vec::new();

    let subject = raw_8bit_subject(&message, &mut warnings)
        .unwrap_or_else(|| message.subject().unwrap_or_default().trim().to_owned());
    let date = read_date(&message, &mut warnings);
    let from = message.from().and_then(first_mailbox);
    if from.is_none() {
        warnings.push("no readable From address".to_owned());
    }
    let (text, html) = read_bodies(&message, &mut warnings);
    let attachments = read_attachments(&message, &mut warnings);
    let kind = noise::classify(&message, &subject, from.as_ref());

    Ok(InboundMail {
        message_id: message.message_id().map(strip_id),
        in_reply_to: ids(message.in_reply_to()),
        references: message.header_values("References").flat_map(ids).collect(),
        from,
        reply_to: message.reply_to().and_then(first_mailbox),
        to: message
            .to()
            .map(|to| to.iter().filter_map(mailbox).collect())
            .unwrap_or_default(),
        subject,
        date,
        text,
        html,
        attachments,
        kind,
        warnings,
    })
}

fn strip_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned()
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<&str> = match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(list) => list.iter().map(AsRef::as_ref).collect(),
        _ => Vec::new(),
    };
    raw.into_iter()
        .map(strip_id)
        .filter(|id| !id.is_empty())
        .collect()
}

fn first_mailbox(address: &Address<'_>) -> Option<Mailbox> {
    address.iter().find_map(mailbox)
}

fn mailbox(addr: &Addr<'_>) -> Option<Mailbox> {
    let address = addr.address.as_deref()?.trim().to_lowercase();
    if address.is_empty() {
        return None;
    }
    let name = addr
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned);
    Some(Mailbox { name, address })
}

fn read_date(message: &Message<'_>, warnings: &mut Vec<String>) -> Option<i64> {
    let raw = message.header_raw("Date")?;
    match message.date().filter(|date| date.is_valid()) {
        Some(date) => Some(date.to_timestamp().saturating_mul(1000)),
        None => {
            warnings.push(format!("unparseable Date header: {:?}", raw.trim()));
            None
        }
    }
}

/// Re-decodes a Subject sent as raw 8-bit bytes (not RFC 2047, not UTF-8) with
/// the message's declared charset (else Windows-1252); mail-parser reads such
/// bytes as Latin-1.
fn raw_8bit_subject(message: &Message<'_>, warnings: &mut Vec<String>) -> Option<String> {
    let header = message
        .root_part()
        .headers
        .iter()
        .find(|header| header.name().eq_ignore_ascii_case("Subject"))?;
    let start = usize::try_from(header.offset_start()).ok()?;
    let end = usize::try_from(header.offset_end()).ok()?;
    let raw = message.raw_message().get(start..end)?;
    if std::str::from_utf8(raw).is_ok() {
        return None;
    }
    let charset = message
        .root_part()
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .or_else(|| {
            message
                .text_bodies()
                .chain(message.html_bodies())
                .find_map(|part| part.content_type()?.attribute("charset"))
        });
    // With no declared charset, Windows-1252 is what such senders almost always mean.
    let charset = charset.unwrap_or("windows-1252");
    let decoded = charset_decoder(charset.as_bytes()).map(|decode| decode(raw));
    warnings.push(match decoded {
        Some(_) => format!("raw 8-bit Subject decoded as {charset}"),
        None => format!("raw 8-bit Subject in unknown charset {charset:?}"),
    });
    let decoded = decoded?;
    let unfolded: String = decoded
        .chars()
        .filter(|c| *c != '\r' && *c != '\n')
        .collect();
    Some(unfolded.trim().to_owned())
}

fn read_bodies(message: &Message<'_>, warnings: &mut Vec<String>) -> (String, Option<String>) {
    let mut text_parts = Vec::new();
    for part in message.text_bodies() {
        if let PartType::Text(text) = &part.body {
            check_part(part, warnings);
            text_parts.push(
                text.replace("\r\n", "\n")
                    .trim_start_matches('\n')
                    .trim_end()
                    .to_owned(),
            );
        }
    }
    let html = message.html_bodies().find_map(|part| match &part.body {
        PartType::Html(html) if !html.trim().is_empty() => {
            check_part(part, warnings);
            Some(html.to_string())
        }
        _ => None,
    });
    let text = if text_parts.iter().any(|text| !text.trim().is_empty()) {
        text_parts.join("\n\n")
    } else {
        html.as_deref().map(html_to_text).unwrap_or_default()
    };
    (text, html)
}

/// Records charset and transfer-encoding problems of a body part.
fn check_part(part: &mail_parser::MessagePart<'_>, warnings: &mut Vec<String>) {
    if part.is_encoding_problem {
        warnings.push("a body part has a broken transfer encoding".to_owned());
    }
    let charset = part
        .content_type()
        .and_then(|ct| ct.attribute("charset"))
        .map(|charset| charset.trim().to_ascii_lowercase());
    if let Some(charset) = charset {
        let is_known = matches!(charset.as_str(), "utf-8" | "utf8" | "us-ascii" | "")
            || charset_decoder(charset.as_bytes()).is_some();
        if !is_known {
            warnings.push(format!(
                "unknown charset {charset:?}; body decoded as UTF-8 with replacements"
            ));
        }
    }
}

fn read_attachments(message: &Message<'_>, warnings: &mut Vec<String>) -> Vec<Attachment> {
    let mut attachments = Vec::new();
    for (index, part) in message.attachments().enumerate() {
        let is_multipart = part
            .content_type()
            .is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("multipart"));
        if is_multipart || matches!(part.body, PartType::Multipart(_)) {
            warnings.push("a multipart section could not be split into parts".to_owned());
            continue;
        }
        if part.is_encoding_problem {
            warnings.push(format!(
                "attachment {} has a broken transfer encoding",
                index + 1
            ));
        }
        let filename = part
            .attachment_name()
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map_or_else(|| format!("attachment-{}", index + 1), str::to_owned);
        let content_type = part.content_type().map_or_else(
            || match part.body {
                PartType::Message(_) => "message/rfc822".to_owned(),
                _ => "application/octet-stream".to_owned(),
            },
            |ct| match ct.subtype() {
                Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                None => ct.ctype().to_ascii_lowercase(),
            },
        );
        let is_inline = match part.content_disposition() {
            Some(disposition) if disposition.is_inline() => true,
            Some(disposition) if disposition.is_attachment() => false,
            _ => part.content_id().is_some() || matches!(part.body, PartType::InlineBinary(_)),
        };
        let content = part.contents().to_vec();
        attachments.push(Attachment {
            filename,
            content_type,
            size_bytes: u64::try_from(content.len()).unwrap_or(u64::MAX),
            content,
            is_inline,
        });
    }
    attachments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_headerless_input_fail_with_a_reason() {
        assert_eq!(parse(b"").unwrap_err().reason, "empty input");
        assert_eq!(parse(b" \r\n").unwrap_err().reason, "empty input");
        assert!(!parse(b"just some words\r\n").unwrap_err().reason.is_empty());
    }

    #[test]
    fn parses_a_minimal_message() {
        let raw = b"From: Ana <ANA@Example.COM>\r\nTo: desk@paydesk.test\r\n\
Subject: =?UTF-8?B?w4lsw6h2ZQ==?= [PD-7]\r\nMessage-ID: <a@b>\r\n\
In-Reply-To: <x@y>\r\nReferences: <w@y> <x@y>\r\n\
Date: Tue, 1 Jul 2003 10:52:37 +0200\r\n\r\nHello\r\n";
        let mail = parse(raw).unwrap();
        assert_eq!(mail.subject, "\u{c9}l\u{e8}ve [PD-7]");
        assert_eq!(ticket_reference(&mail.subject), Some(7));
        let from = mail.from.unwrap();
        assert_eq!(from.address, "ana@example.com");
        assert_eq!(from.name.as_deref(), Some("Ana"));
        assert_eq!(mail.message_id.as_deref(), Some("a@b"));
        assert_eq!(mail.in_reply_to, vec!["x@y"]);
        assert_eq!(mail.references, vec!["w@y", "x@y"]);
        assert_eq!(mail.date, Some(1_057_049_557_000));
        assert_eq!(mail.text, "Hello");
        assert_eq!(mail.html, None);
        assert_eq!(mail.kind, MailKind::Normal);
        assert!(mail.warnings.is_empty(), "{:?}", mail.warnings);
    }

    #[test]
    fn bad_date_is_a_warning_not_a_failure() {
        let mail = parse(b"From: a@b.c\r\nDate: not a date\r\n\r\nhi\r\n").unwrap();
        assert_eq!(mail.date, None);
        assert!(mail.warnings.iter().any(|w| w.contains("Date")));
    }
}
