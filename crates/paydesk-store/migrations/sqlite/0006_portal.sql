-- The support portal and chat sessions (SQLite). Keep in step with postgres/0006_portal.sql.
-- Times are epoch milliseconds (UTC).

-- Keys paydesk makes for itself, once, and keeps (the status-link signing key when none is
-- configured). Inserted if absent and read back, so instances starting together agree.
CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

-- Every support-form request and status-page answer, by client: the rate limit counts them.
-- client_key is a keyed hash of the client's address (never the address itself).
-- outcome: ticket, answer, honeypot (a bot filled the hidden field; nothing was created).
CREATE TABLE portal_submissions (
    id INTEGER PRIMARY KEY,
    client_key TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX portal_submissions_client ON portal_submissions(client_key, at);
CREATE INDEX portal_submissions_at ON portal_submissions(at);

-- Chat sessions: each carries one ticket (channel chat), whose messages are its transcript.
-- status: active, ended; end_reason: idle.
CREATE TABLE chat_sessions (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL UNIQUE REFERENCES tickets(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    status TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT,
    idle_minutes INTEGER NOT NULL
);
CREATE INDEX chat_sessions_active ON chat_sessions(status, last_activity_at);
