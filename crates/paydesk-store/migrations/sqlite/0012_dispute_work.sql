-- Working disputes: evidence gathered, answers and outcomes (SQLite). Keep in step with
-- postgres/0012_dispute_work.sql. Times are epoch milliseconds (UTC); money in minor units
-- of the dispute's currency.

-- How the desk answered and what the network decided. submitted_by / decided_by: the
-- users who answered and recorded the outcome. amount_won / amount_lost: set with the
-- outcome (won, lost or accepted).
ALTER TABLE disputes ADD COLUMN submitted_at INTEGER;
ALTER TABLE disputes ADD COLUMN submitted_by INTEGER REFERENCES users(id);
ALTER TABLE disputes ADD COLUMN decided_at INTEGER;
ALTER TABLE disputes ADD COLUMN decided_by INTEGER REFERENCES users(id);
ALTER TABLE disputes ADD COLUMN amount_won INTEGER;
ALTER TABLE disputes ADD COLUMN amount_lost INTEGER;
ALTER TABLE disputes ADD COLUMN outcome_note TEXT;

-- Evidence attached to a dispute. kind: one of the checklist's evidence kinds. body: the
-- written explanation (redacted). A file is either uploaded (filename, content_type,
-- content) or one of the ticket's attachments (attachment_id); both may be absent when the
-- evidence is text only. added_by: the user who added it.
CREATE TABLE dispute_evidence (
    id INTEGER PRIMARY KEY,
    dispute_id INTEGER NOT NULL REFERENCES disputes(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT,
    filename TEXT,
    content_type TEXT,
    size_bytes INTEGER NOT NULL,
    content BLOB,
    attachment_id INTEGER REFERENCES attachments(id),
    added_by INTEGER REFERENCES users(id),
    added_at INTEGER NOT NULL
);
CREATE INDEX dispute_evidence_dispute ON dispute_evidence(dispute_id, id);
