-- SLA clocks on business calendars, and durable timers (SQLite). Keep in step with
-- postgres/0007_sla.sql. Times are epoch milliseconds (UTC).

-- A business calendar: time zone, weekly opening hours and holidays, as the JSON of
-- paydesk_domain::calendar::CalendarSpec.
CREATE TABLE calendars (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- SLA policies, tried in position order: the first whose conditions match a ticket applies.
-- definition is the JSON of paydesk_domain::sla::PolicySpec (conditions, targets, pauses).
CREATE TABLE sla_policies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    definition TEXT NOT NULL,
    is_active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- One clock per ticket and metric. state: running, paused, achieved, cancelled.
-- elapsed_ms: target time (calendar or business) consumed before running_since;
-- paused_ms: wall time spent paused. due_at/warn_at are set while running.
CREATE TABLE sla_clocks (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    metric TEXT NOT NULL,
    policy_id INTEGER REFERENCES sla_policies(id),
    target_ms INTEGER NOT NULL,
    calendar_id INTEGER REFERENCES calendars(id),
    state TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    running_since INTEGER,
    elapsed_ms INTEGER NOT NULL,
    paused_since INTEGER,
    paused_ms INTEGER NOT NULL,
    due_at INTEGER,
    warn_at INTEGER,
    warned_at INTEGER,
    breached_at INTEGER,
    achieved_at INTEGER,
    cycle INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, metric)
);

-- Durable timers: each fires once, at due_at, in the transaction that deletes it.
-- kind: sla_warning, sla_breach, overflow; subject tells which clock or queue it is about.
CREATE TABLE timers (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    subject TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX timers_key ON timers(ticket_id, kind, subject);
CREATE INDEX timers_due ON timers(due_at, id);

-- What orders work: the earliest due time among the ticket's running clocks (when none runs,
-- an instant far beyond any real one, so such tickets sort last on both engines; its digits
-- hold no Luhn-valid run, so no card scanner mistakes the schema for card data), whether a running
-- clock is breached or at risk, the priority as a rank (urgent 0 .. low 3), the applied SLA policy.
ALTER TABLE tickets ADD COLUMN priority_rank INTEGER NOT NULL DEFAULT 2;
ALTER TABLE tickets ADD COLUMN sla_due_at INTEGER NOT NULL DEFAULT 9100000000010000000;
ALTER TABLE tickets ADD COLUMN sla_breached INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_at_risk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN sla_policy_id INTEGER REFERENCES sla_policies(id);
UPDATE tickets SET priority_rank = CASE priority
    WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END;

-- Queue views and "my work": unsolved tickets in urgency order.
CREATE INDEX tickets_queue_urgency ON tickets(queue_id, sla_due_at, priority_rank, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
CREATE INDEX tickets_assignee_urgency ON tickets(assignee_id, sla_due_at, priority_rank, id)
    WHERE status IN ('new', 'open', 'pending', 'on_hold');
-- "Next ticket" and automatic assignment: workable tickets nobody holds.
CREATE INDEX tickets_unassigned_urgency ON tickets(queue_id, sla_due_at, priority_rank, id)
    WHERE assignee_id IS NULL AND status IN ('new', 'open');
