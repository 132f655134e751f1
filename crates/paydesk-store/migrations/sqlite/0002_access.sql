-- Sign-in sessions, API tokens and failed sign-ins (SQLite). Keep in step with
-- postgres/0002_access.sql: the schema-parity test compares tables and columns of both.
-- Times are epoch milliseconds (UTC). Secrets are never stored: only the SHA-256 hex of
-- a session cookie's value or of an API token.

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    -- The absolute end, whatever the activity.
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions(user_id, revoked_at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    -- The first characters of the token, shown in lists so people can tell tokens apart.
    prefix TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    -- Space-separated scope names (tickets:read tickets:write ...).
    scopes TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER,
    last_used_at INTEGER
);

CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT,
    at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures(email, at);
CREATE INDEX sign_in_failures_ip ON sign_in_failures(ip, at);
