-- The SOP library (SQLite). Keep in step with postgres/0015_sops.sql. Times are epoch
-- milliseconds (UTC); JSON is text.

-- A procedure. owner_id: the person who keeps it current (warned when review_by passes).
-- title: the title of its newest version. published_version: the number of the version
-- agents follow now (null while none is published); review_by: that version's review date.
CREATE TABLE sops (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    owner_id INTEGER NOT NULL REFERENCES users(id),
    published_version INTEGER,
    review_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX sops_owner ON sops(owner_id, review_by);

-- The numbered versions of an SOP. status: draft, in_review, published, retired. body:
-- Markdown; steps: JSON list of paydesk_domain::sop::Step parsed from it. author_id wrote
-- it; submitted_by, reviewer_id (who published or returned it) and retired_by record who
-- moved it, with when.
CREATE TABLE sop_versions (
    sop_id INTEGER NOT NULL REFERENCES sops(id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    steps TEXT NOT NULL,
    status TEXT NOT NULL,
    author_id INTEGER REFERENCES users(id),
    submitted_by INTEGER REFERENCES users(id),
    submitted_at INTEGER,
    reviewer_id INTEGER REFERENCES users(id),
    published_at INTEGER,
    retired_by INTEGER REFERENCES users(id),
    retired_at INTEGER,
    review_by INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (sop_id, version)
);
CREATE INDEX sop_versions_status ON sop_versions(status, sop_id);

-- What an SOP applies to. kind: category, business_line or reason_code.
CREATE TABLE sop_links (
    sop_id INTEGER NOT NULL REFERENCES sops(id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sop_id, kind, value)
);
CREATE INDEX sop_links_value ON sop_links(kind, value);

-- Full-text search over SOP titles and bodies: one row per version.
CREATE VIRTUAL TABLE sop_search USING fts5(
    body,
    sop_id UNINDEXED,
    version UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- An SOP followed on a ticket, on the version published when it was started.
CREATE TABLE ticket_sop_runs (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    sop_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    started_by_kind TEXT NOT NULL,
    started_by_id INTEGER,
    started_by_label TEXT,
    started_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (sop_id, version) REFERENCES sop_versions(sop_id, version),
    UNIQUE (ticket_id, sop_id, version)
);

-- The steps ticked on a run (an unticked step has no row), with who and when.
CREATE TABLE ticket_sop_steps (
    run_id INTEGER NOT NULL REFERENCES ticket_sop_runs(id),
    step_key TEXT NOT NULL,
    done_by_kind TEXT NOT NULL,
    done_by_id INTEGER,
    done_by_label TEXT,
    done_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, step_key)
);

-- Ticket categories (lowercase) that may only be solved once an applicable SOP's
-- checklist is complete on the ticket.
CREATE TABLE sop_solve_requirements (
    category TEXT PRIMARY KEY,
    set_by INTEGER REFERENCES users(id),
    set_at INTEGER NOT NULL
);
