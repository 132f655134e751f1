#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]
//! Runs the parser over the shared email corpus (`shared/data/email`, beside
//! the repository): every file must parse or fail with a reason, never panic,
//! also when truncated or corrupted; selected files must decode to known values;
//! bounces and auto-replies must be classified as such.

use std::path::{Path, PathBuf};

use paydesk_mail::{INTERNAL_PANIC_REASON, InboundMail, MailKind, parse, ticket_reference};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/email");

/// `sisimai__lhost-*` files that are not delivery failures. None so far: every
/// one of them is a DSN or a mailer-daemon failure notice.
const LHOST_NOT_BOUNCES: &[&str] = &[];

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(CORPUS);
    assert!(
        dir.is_dir(),
        "email corpus missing at {} (expected shared/data/email beside the repository); \
         these tests do not skip without it",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 100,
        "corpus looks incomplete: {} files",
        files.len()
    );
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn mail(file: &str) -> InboundMail {
    let raw = std::fs::read(Path::new(CORPUS).join(file))
        .unwrap_or_else(|err| panic!("corpus file {file}: {err}"));
    parse(&raw).unwrap_or_else(|failure| panic!("{file} failed to parse: {}", failure.reason))
}

/// Parses; an `Err` must carry a reason and must not be a caught internal panic.
fn check_survives(raw: &[u8], what: &str) -> bool {
    match parse(raw) {
        Ok(_) => true,
        Err(failure) => {
            assert!(!failure.reason.is_empty(), "{what}: empty failure reason");
            assert_ne!(
                failure.reason, INTERNAL_PANIC_REASON,
                "{what}: parser panicked"
            );
            false
        }
    }
}

#[test]
fn every_file_parses_or_fails_with_a_reason_and_summary() {
    let files = corpus_files();
    let (mut parsed, mut failed, mut bounces, mut auto_replies) = (0, 0, 0, 0);
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        match parse(&raw) {
            Ok(mail) => {
                parsed += 1;
                match mail.kind {
                    MailKind::Bounce { .. } => bounces += 1,
                    MailKind::AutoReply { .. } => auto_replies += 1,
                    MailKind::Normal => {}
                }
            }
            Err(failure) => {
                assert!(!failure.reason.is_empty(), "{}: empty reason", name(path));
                assert_ne!(failure.reason, INTERNAL_PANIC_REASON, "{}", name(path));
                failed += 1;
            }
        }
    }
    println!(
        "corpus: {} files, {parsed} parsed, {failed} failures kept raw, {bounces} bounces, \
         {auto_replies} auto-replies",
        files.len()
    );
    assert_eq!(parsed + failed, files.len());
}

/// A small deterministic generator (xorshift64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap()).unwrap()
    }
}

#[test]
fn truncated_and_corrupted_files_never_panic() {
    let mut rng = Rng(0x5eed_cafe_f00d_d00d);
    let mut runs = 0;
    for path in corpus_files() {
        let raw = std::fs::read(&path).unwrap();
        let file = name(&path);
        let len = raw.len();
        let mut cuts = vec![0, 1, 2, 16, len / 8, len / 4, len / 3, len / 2, len * 2 / 3];
        cuts.extend([len * 3 / 4, len * 7 / 8, len.saturating_sub(1)]);
        // Also cut right after the header block and inside the first boundary.
        if let Some(at) = raw.windows(2).position(|w| w == b"\n\n") {
            cuts.extend([at, at + 1, at + 2]);
        }
        if let Some(at) = raw.windows(3).position(|w| w == b"\n--") {
            cuts.extend([at + 2, at + 3, at + 5]);
        }
        for cut in cuts.into_iter().filter(|&cut| cut <= len) {
            check_survives(&raw[..cut], &format!("{file} cut at {cut}"));
            runs += 1;
        }
        for round in 0..8 {
            let mut bytes = raw.clone();
            let flips = 1 + len / 100;
            for _ in 0..flips {
                let at = rng.below(len);
                // Bias towards bytes that steer MIME parsing.
                bytes[at] = match rng.below(4) {
                    0 => b"\r\n-:;=\"<>?"[rng.below(10)],
                    _ => u8::try_from(rng.below(256)).unwrap(),
                };
            }
            check_survives(&bytes, &format!("{file} flip round {round}"));
            runs += 1;
        }
    }
    assert!(runs > 1000, "only {runs} mutated inputs");
}

#[test]
fn sisimai_delivery_failures_are_bounces() {
    let mut bounces = 0;
    for path in corpus_files() {
        let file = name(&path);
        let is_dsn = file.starts_with("sisimai__lhost-")
            || file.starts_with("sisimai__rfc3464-")
            || file.starts_with("sisimai__rhost-")
            || file.starts_with("mail__multipart_report_emails__");
        if !is_dsn || LHOST_NOT_BOUNCES.contains(&file.as_str()) {
            continue;
        }
        let mail = mail(&file);
        assert!(
            matches!(mail.kind, MailKind::Bounce { .. }),
            "{file} should be a bounce, was {:?} (subject {:?})",
            mail.kind,
            mail.subject
        );
        bounces += 1;
    }
    // 12 lhost + 3 rfc3464 + 1 rhost + 4 mikel/mail multipart reports.
    assert_eq!(bounces, 20);
}

#[test]
fn sisimai_rfc3834_messages_are_auto_replies() {
    let mut count = 0;
    for path in corpus_files() {
        let file = name(&path);
        if !file.starts_with("sisimai__rfc3834-") {
            continue;
        }
        let mail = mail(&file);
        assert!(
            matches!(mail.kind, MailKind::AutoReply { .. }),
            "{file} should be an auto-reply, was {:?}",
            mail.kind
        );
        count += 1;
    }
    assert_eq!(count, 6);
}

#[test]
fn plain_customer_mails_are_normal() {
    let mut count = 0;
    for path in corpus_files() {
        let file = name(&path);
        if !file.starts_with("mail__plain_emails__") && !file.starts_with("mail__rfc2822__") {
            continue;
        }
        let mail = mail(&file);
        assert_eq!(mail.kind, MailKind::Normal, "{file}");
        count += 1;
    }
    assert_eq!(count, 14);
}

#[test]
fn abuse_report_is_not_a_bounce() {
    assert_eq!(mail("sisimai__arf-01.eml").kind, MailKind::Normal);
}

#[test]
fn plain_text_crlf_and_lf_read_the_same() {
    let crlf = mail("mail__plain_emails__basic_email.eml");
    let lf = mail("mail__plain_emails__basic_email_lf.eml");
    assert_eq!(crlf.subject, "Testing 123");
    assert_eq!(crlf.text, "Plain email.\n\nHope it works well!\n\nMikel");
    assert_eq!(lf.text, crlf.text);
    assert_eq!(crlf.from.unwrap().address, "test@lindsaar.net");
    assert_eq!(crlf.html, None);
    assert!(crlf.attachments.is_empty());
}

#[test]
fn thread_headers_are_read_without_brackets() {
    let reply = mail("mail__plain_emails__raw_email_reply.eml");
    assert_eq!(reply.message_id.as_deref(), Some("473FFE27.20003@xxx.org"));
    assert_eq!(
        reply.in_reply_to,
        vec!["348F04F142D69C21-291E56D292BC@xxxx.net"]
    );
    assert_eq!(
        reply.references,
        vec![
            "473FF3B8.9020707@xxx.org",
            "348F04F142D69C21-291E56D292BC@xxxx.net"
        ]
    );
    assert_eq!(reply.subject, "Re: Test reply email");
    // RFC 2822 A.2: "Fri, 21 Nov 1997 10:01:10 -0600".
    assert_eq!(
        mail("mail__rfc2822__example06.eml").date,
        Some(880_128_070_000)
    );
}

#[test]
fn encoded_subjects_decode() {
    assert_eq!(
        mail("mail__plain_emails__raw_email.eml").subject,
        "NOTE: 한국말로 하는 것"
    );
    assert_eq!(
        mail("mail__plain_emails__raw_email_with_partially_quoted_subject.eml").subject,
        "Re: Test: \"漢字\" mid \"漢字\" tail"
    );
    assert_eq!(
        mail("sisimai__lhost-yandex-01.eml").subject,
        "Недоставленное сообщение"
    );
    assert_eq!(
        mail("mailparser__thirdparty__010.eml").subject,
        "こんにちは"
    );
    assert_eq!(
        mail("sisimai__lhost-amazonworkmail-01.eml").subject,
        "Delivery Status Notification (Failure)"
    );
    // Raw Windows-1252 bytes in an unencoded Subject.
    let raw_8bit = mail("mail__error_emails__invalid_subject_characters.eml");
    assert!(
        raw_8bit.subject.starts_with("Formação FrenetikPolis"),
        "{}",
        raw_8bit.subject
    );
    assert!(!raw_8bit.warnings.is_empty());
}

#[test]
fn japanese_charsets_decode_to_japanese() {
    let iso_2022 = mail("mail__multi_charset__japanese_iso_2022.eml");
    assert_eq!(iso_2022.subject, "まみむめも");
    assert_eq!(iso_2022.text, "すみません。");
    let shift_jis = mail("mail__multi_charset__japanese_shift_jis.eml");
    assert!(
        shift_jis
            .text
            .starts_with("あいうえお\n\nこのメールはテスト用のメールです。")
    );
    let long = mail("mail__multi_charset__japanese_attachment_long_name.eml");
    assert_eq!(long.subject, "まみむめも".repeat(10));
    assert_eq!(long.attachments.len(), 1);
    assert_eq!(
        long.attachments[0].filename,
        format!("{}.txt", "かきくけこ".repeat(5))
    );
}

#[test]
fn attachments_keep_decoded_names_types_and_sizes() {
    let quoted = mail("mail__attachment_emails__attachment_with_quoted_filename.eml");
    assert_eq!(quoted.subject, "Eelanalüüsi päring");
    let [jpeg] = quoted.attachments.as_slice() else {
        panic!(
            "expected one attachment, got {:?}",
            quoted.attachments.len()
        );
    };
    assert_eq!(jpeg.filename, "Eelanalüüsi päring.jpg");
    assert_eq!(jpeg.content_type, "image/jpeg");
    assert_eq!(jpeg.size_bytes, 1952);
    assert_eq!(jpeg.content.len(), 1952);
    assert!(jpeg.content.starts_with(&[0xff, 0xd8]), "JPEG magic");

    let pdf = mail("mail__attachment_emails__attachment_pdf.eml");
    assert_eq!(pdf.subject, "Another PDF with 🎉 Unicode chars in it 🍿");
    assert_eq!(pdf.attachments.len(), 1);
    assert_eq!(pdf.attachments[0].filename, "broken.pdf");
    assert_eq!(pdf.attachments[0].content_type, "application/pdf");
    assert_eq!(pdf.attachments[0].size_bytes, 1026);
    assert!(!pdf.attachments[0].is_inline);

    let nonascii = mail("mail__attachment_emails__attachment_nonascii_filename.eml");
    assert_eq!(nonascii.attachments[0].filename, "ciële.txt");
    let japanese = mail("mail__multi_charset__japanese_attachment.eml");
    assert_eq!(japanese.attachments[0].filename, "てすと.txt");

    let only = mail("mail__attachment_emails__attachment_only_email.eml");
    assert_eq!(only.text, "");
    assert_eq!(only.attachments[0].filename, "blah.gz");
    assert_eq!(only.attachments[0].content_type, "application/x-gzip");
    assert_eq!(only.attachments[0].size_bytes, 288);

    let unnamed = mail("mailparser__rfc__000.eml");
    assert_eq!(unnamed.attachments[0].filename, "attachment-1");
    assert_eq!(unnamed.attachments[0].content_type, "audio/basic");

    let inline = mail("mailparser__thirdparty__019.eml");
    let names: Vec<(&str, bool)> = inline
        .attachments
        .iter()
        .map(|a| (a.filename.as_str(), a.is_inline))
        .collect();
    assert_eq!(
        names,
        vec![("kigaaldcbanejcbi.png", true), ("attach2.png", false)]
    );
}

#[test]
fn html_only_mail_yields_text() {
    for file in [
        "mail__error_emails__content_transfer_encoding_empty.eml",
        "mail__error_emails__multiple_invalid_content_dispositions.eml",
        "mailparser__thirdparty__016.eml",
    ] {
        let mail = mail(file);
        assert!(mail.html.is_some(), "{file}: html kept");
        assert!(!mail.text.trim().is_empty(), "{file}: text rendered");
        assert!(
            !mail.text.contains('<'),
            "{file}: tags stripped: {}",
            mail.text
        );
    }
    assert_eq!(
        mail("mailparser__thirdparty__016.eml").text,
        "Search for höhö"
    );
}

#[test]
fn multipart_alternative_prefers_the_plain_part() {
    let alt = mail("mailparser__rfc__006.eml");
    assert!(
        alt.text.starts_with("Plain text email goes here!"),
        "{}",
        alt.text
    );
    assert!(alt.html.as_deref().unwrap().contains('<'));
}

#[test]
fn oddities_become_warnings() {
    let bad_time = mail("mail__plain_emails__raw_email_bad_time.eml");
    assert_eq!(bad_time.date, None);
    assert!(
        bad_time.warnings.iter().any(|w| w.contains("Date")),
        "{:?}",
        bad_time.warnings
    );
    let unknown = mail("mail__plain_emails__raw_email10.eml");
    assert!(
        unknown.warnings.iter().any(|w| w.contains("x-unknown")),
        "{:?}",
        unknown.warnings
    );
    assert!(unknown.text.starts_with("Test test. Hi. Waving."));
}

#[test]
fn replies_carry_a_ticket_reference() {
    assert_eq!(ticket_reference("Re: Card declined [PD-1042]"), Some(1042));
    assert_eq!(
        ticket_reference(&mail("mail__plain_emails__basic_email.eml").subject),
        None
    );
}
