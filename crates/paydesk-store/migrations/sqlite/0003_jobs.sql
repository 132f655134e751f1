-- Durable background jobs (SQLite). Keep in step with postgres/0003_jobs.sql.
-- A job is claimed by setting locked_by/locked_until; a crashed worker's claim lapses
-- and another picks the job up. Times are epoch milliseconds (UTC).

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ticket_id INTEGER REFERENCES tickets(id),
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at INTEGER NOT NULL,
    locked_by TEXT,
    locked_until INTEGER,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE INDEX jobs_ticket ON jobs(ticket_id, id);
