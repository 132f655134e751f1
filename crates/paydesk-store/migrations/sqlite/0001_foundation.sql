-- paydesk foundation schema (SQLite). Keep in step with postgres/0001_foundation.sql:
-- the schema-parity test compares tables and columns of both.
-- Times are epoch milliseconds (UTC); every integer is 64-bit.

CREATE TABLE vendors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    business_line TEXT,
    vendor_id INTEGER REFERENCES vendors(id),
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    vendor_id INTEGER REFERENCES vendors(id),
    password_hash TEXT,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    business_line TEXT NOT NULL,
    name TEXT NOT NULL,
    phone TEXT,
    country TEXT,
    locale TEXT,
    tier TEXT NOT NULL,
    external_ids TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX customers_created ON customers(created_at, id);

CREATE TABLE customer_emails (
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    email TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (customer_id, email)
);
CREATE INDEX customer_emails_email ON customer_emails(email);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    channel TEXT NOT NULL,
    business_line TEXT NOT NULL,
    category TEXT,
    queue_id INTEGER REFERENCES queues(id),
    assignee_id INTEGER REFERENCES users(id),
    customer_id INTEGER REFERENCES customers(id),
    language TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    solved_at INTEGER,
    closed_at INTEGER
);
CREATE INDEX tickets_created ON tickets(created_at, id);
CREATE INDEX tickets_status ON tickets(status, created_at);
CREATE INDEX tickets_queue ON tickets(queue_id, created_at);
CREATE INDEX tickets_assignee ON tickets(assignee_id, created_at);
CREATE INDEX tickets_customer ON tickets(customer_id, created_at);
CREATE INDEX tickets_line ON tickets(business_line, created_at);
CREATE INDEX tickets_category ON tickets(category, created_at);

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    tag TEXT NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags(tag, ticket_id);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    visibility TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id INTEGER,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id, id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);

-- The append-only event log, which is also the audit trail. Triggers refuse updates and
-- deletes. Records are hash-chained in id order (see paydesk-store's audit module): the
-- appender assigns ids itself, so each id is part of its record's hash; `paydesk audit
-- verify` recomputes the chain. ip: where the actor came from, when known.
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER REFERENCES tickets(id),
    customer_id INTEGER REFERENCES customers(id),
    actor_kind TEXT NOT NULL,
    actor_id INTEGER,
    actor_label TEXT,
    ip TEXT,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_ticket ON events(ticket_id, id);
CREATE INDEX events_customer ON events(customer_id, id);
CREATE INDEX events_at ON events(at);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);

-- Full-text search over subjects and message bodies: one row per text.
CREATE VIRTUAL TABLE ticket_search USING fts5(
    body,
    ticket_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
