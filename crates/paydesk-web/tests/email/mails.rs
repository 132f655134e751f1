//! Messages of our own, built as raw RFC 5322 text: each shape the intake must handle.

/// A plain text message.
pub fn plain(from: &str, id: &str, subject: &str, body: &str) -> String {
    format!(
        "From: Dana Buyer <{from}>\r\nTo: support@paydesk.example\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nDate: Mon, 16 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// A reply to `parent` (In-Reply-To and References).
pub fn reply(from: &str, id: &str, parent: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: support@paydesk.example\r\nSubject: {subject}\r\n\
         Message-ID: <{id}>\r\nIn-Reply-To: <{parent}>\r\nReferences: <{parent}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

pub fn alternative(from: &str, id: &str) -> String {
    format!(
        "From: {from}\r\nSubject: Refund not received\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
         --alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain part: my refund is late.\r\n\
         --alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML part: my <b>refund</b> is late.</p>\r\n\
         --alt--\r\n"
    )
}

pub fn html_only(from: &str, id: &str) -> String {
    format!(
        "From: {from}\r\nSubject: Payout missing\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <html><body><h1>Hello</h1><p>My payout of <b>120 EUR</b> never arrived.</p>\
         <script>alert(1)</script></body></html>\r\n"
    )
}

/// multipart/mixed holding an alternative part, a PDF and a text file with a card number.
pub fn nested_with_attachments(from: &str, id: &str, card: &str) -> String {
    use base64::Engine as _;
    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 fake receipt bytes");
    format!(
        "From: {from}\r\nSubject: Receipts attached\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n\
         --outer\r\nContent-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n\
         --inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee the receipts.\r\n\
         --inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>See the receipts.</p>\r\n\
         --inner--\r\n\
         --outer\r\nContent-Type: application/pdf; name=\"receipt.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"receipt.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{pdf}\r\n\
         --outer\r\nContent-Type: text/plain; charset=utf-8; name=\"notes.txt\"\r\n\
         Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\ncard used: {card}\r\n\
         --outer--\r\n"
    )
}

/// ISO-8859-1, quoted-printable, with an encoded-word subject.
pub fn latin1(from: &str, id: &str) -> Vec<u8> {
    let mut m = format!(
        "From: {from}\r\nSubject: =?ISO-8859-1?Q?Caf=E9_d=E9j=E0_pay=E9?=\r\nMessage-ID: <{id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    .into_bytes();
    m.extend_from_slice(b"Le caf\xe9 est d\xe9j\xe0 pay\xe9 deux fois.\r\n");
    m
}

pub fn encoded_subject(from: &str, id: &str) -> String {
    // "Rückbuchung ✓" in UTF-8, base64 encoded-word.
    format!(
        "From: {from}\r\nSubject: =?UTF-8?B?UsO8Y2tidWNodW5nIOKckw==?=\r\nMessage-ID: <{id}>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nChargeback question.\r\n"
    )
}

pub fn bounce(id: &str, original: &str) -> String {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example>\r\nTo: support@paydesk.example\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <{id}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n\
         --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n\
         Final-Recipient: rfc822; gone@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{original}>\r\nSubject: Re: x\r\n\
         --b--\r\n"
    )
}

pub fn out_of_office(from: &str, id: &str, parent: &str) -> String {
    format!(
        "From: {from}\r\nSubject: Out of office: Re: your ticket\r\nMessage-ID: <{id}>\r\n\
         In-Reply-To: <{parent}>\r\nAuto-Submitted: auto-replied\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nI am away until Monday.\r\n"
    )
}
