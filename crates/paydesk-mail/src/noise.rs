//! Tells customer mail apart from machine mail (bounces and auto-replies).
//!
//! All rules sit in one table, [`RULES`], checked top to bottom; the first match
//! wins. Bounce rules come first because bounces often also carry auto-reply
//! markers (`Auto-Submitted: auto-replied`, `Precedence: bulk`).

use mail_parser::{Message, MimeHeaders};

use crate::{MailKind, Mailbox};

#[derive(Clone, Copy)]
enum Noise {
    Bounce,
    AutoReply,
}

/// One observable sign of machine mail. Header names and values compare
/// case-insensitively; subjects compare lower-cased.
enum Signal {
    /// Top-level `Content-Type: multipart/report; report-type=<this>`.
    ReportType(&'static str),
    /// Any MIME part of the message (not of attached messages) has this type.
    PartType(&'static str),
    /// From a mailer-daemon/postmaster mailbox, with a subject containing one of these.
    DaemonWithSubject(&'static [&'static str]),
    /// Header present with any value except these.
    HeaderExcept(&'static str, &'static [&'static str]),
    /// Header present, whatever its value.
    Header(&'static str),
    /// Header value (first word) is one of these.
    HeaderIn(&'static str, &'static [&'static str]),
    /// Subject starts with one of these.
    SubjectStarts(&'static [&'static str]),
}

struct Rule {
    noise: Noise,
    signal: Signal,
    reason: &'static str,
}

const DAEMON_LOCAL_PARTS: &[&str] = &["mailer-daemon", "postmaster"];

const FAILURE_SUBJECTS: &[&str] = &[
    "undelivered mail returned to sender",
    "delivery status notification (failure)",
    "delivery status notification (delay)",
    "mail delivery failed",
    "returned mail",
    "undeliverable",
    "failure notice",
    "delivery failure",
    "could not be delivered",
];

const RULES: &[Rule] = &[
    Rule {
        noise: Noise::Bounce,
        signal: Signal::ReportType("delivery-status"),
        reason: "multipart/report with report-type=delivery-status",
    },
    Rule {
        noise: Noise::Bounce,
        signal: Signal::PartType("message/delivery-status"),
        reason: "contains a message/delivery-status part",
    },
    Rule {
        noise: Noise::Bounce,
        signal: Signal::DaemonWithSubject(FAILURE_SUBJECTS),
        reason: "from a mailer-daemon or postmaster with a delivery-failure subject",
    },
    Rule {
        noise: Noise::AutoReply,
        signal: Signal::HeaderExcept("Auto-Submitted", &["no"]),
        reason: "Auto-Submitted header",
    },
    Rule {
        noise: Noise::AutoReply,
        signal: Signal::Header("X-Auto-Response-Suppress"),
        reason: "X-Auto-Response-Suppress header",
    },
    Rule {
        noise: Noise::AutoReply,
        signal: Signal::HeaderIn("Precedence", &["bulk", "junk", "list", "auto_reply"]),
        reason: "Precedence header",
    },
    Rule {
        noise: Noise::AutoReply,
        signal: Signal::Header("X-Autoreply"),
        reason: "X-Autoreply header",
    },
    Rule {
        noise: Noise::AutoReply,
        signal: Signal::Header("X-Autorespond"),
        reason: "X-Autorespond header",
    },
    Rule {
        noise: Noise::AutoReply,
        signal: Signal::SubjectStarts(&[
            "out of office",
            "automatic reply",
            "auto:",
            "auto reply",
            "auto-reply",
            "autoreply",
        ]),
        reason: "auto-reply subject",
    },
];

/// Classifies a parsed message by the first matching rule of [`RULES`].
pub(crate) fn classify(message: &Message<'_>, subject: &str, from: Option<&Mailbox>) -> MailKind {
    let subject = subject.trim().to_lowercase();
    for rule in RULES {
        if matches(&rule.signal, message, &subject, from) {
            let reason = rule.reason.to_owned();
            return match rule.noise {
                Noise::Bounce => MailKind::Bounce { reason },
                Noise::AutoReply => MailKind::AutoReply { reason },
            };
        }
    }
    MailKind::Normal
}

fn matches(signal: &Signal, message: &Message<'_>, subject: &str, from: Option<&Mailbox>) -> bool {
    match signal {
        Signal::ReportType(report_type) => message.root_part().content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|sub| sub.eq_ignore_ascii_case("report"))
                && ct
                    .attribute("report-type")
                    .is_some_and(|value| value.trim().eq_ignore_ascii_case(report_type))
        }),
        Signal::PartType(wanted) => message.parts.iter().any(|part| {
            part.content_type().is_some_and(|ct| {
                let full = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
                full.eq_ignore_ascii_case(wanted)
            })
        }),
        Signal::DaemonWithSubject(subjects) => {
            let is_daemon = from.is_some_and(|from| {
                let local = from.address.split('@').next().unwrap_or_default();
                DAEMON_LOCAL_PARTS.contains(&local)
            });
            is_daemon && subjects.iter().any(|phrase| subject.contains(phrase))
        }
        Signal::HeaderExcept(name, except) => header(message, name).is_some_and(|value| {
            !except
                .iter()
                .any(|no| first_word(value).eq_ignore_ascii_case(no))
        }),
        Signal::Header(name) => header(message, name).is_some(),
        Signal::HeaderIn(name, values) => header(message, name).is_some_and(|value| {
            values
                .iter()
                .any(|wanted| first_word(value).eq_ignore_ascii_case(wanted))
        }),
        Signal::SubjectStarts(prefixes) => {
            prefixes.iter().any(|prefix| subject.starts_with(prefix))
        }
    }
}

/// The first top-level header with this name, raw and trimmed.
fn header<'m>(message: &'m Message<'_>, name: &str) -> Option<&'m str> {
    message
        .headers_raw()
        .find(|(header, _)| header.trim().eq_ignore_ascii_case(name))
        .map(|(_, value)| value.trim())
}

/// `auto-generated (failure)` -> `auto-generated`; `bulk; x` -> `bulk`.
fn first_word(value: &str) -> &str {
    value
        .split(|c: char| c.is_whitespace() || c == ';' || c == '(')
        .next()
        .unwrap_or_default()
}
