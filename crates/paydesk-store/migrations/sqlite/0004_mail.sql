-- Email intake and threading, attachment contents (SQLite). Keep in step with
-- postgres/0004_mail.sql. Times are epoch milliseconds (UTC).

-- The bytes of stored attachments (text attachments are stored redacted).
CREATE TABLE attachment_contents (
    attachment_id INTEGER PRIMARY KEY REFERENCES attachments(id),
    content BLOB NOT NULL
);

-- Every Message-ID paydesk has seen or sent, and its ticket: replies thread by
-- In-Reply-To and References through this table. direction: in or out.
CREATE TABLE mail_threads (
    mail_id TEXT PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    message_id INTEGER REFERENCES messages(id),
    direction TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_threads_ticket ON mail_threads(ticket_id);

-- Mail that opened no ticket and joined none (bounces, auto-replies), and mail kept raw
-- because it could not be parsed: nothing is dropped silently. raw is the message as a
-- redacted text rendering. outcome: noise, unparseable.
CREATE TABLE inbound_mail (
    id INTEGER PRIMARY KEY,
    received_at INTEGER NOT NULL,
    mail_id TEXT,
    sender TEXT,
    subject TEXT,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX inbound_mail_received ON inbound_mail(received_at, id);
