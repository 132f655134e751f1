-- Escalations to tiers and partner teams (SQLite). Keep in step with
-- postgres/0014_escalations.sql. Times are epoch milliseconds (UTC).

-- A team that answers escalations. kind: tier, engineering, finance, risk, legal, custom.
-- calendar_id: the business calendar its response targets count in (null: calendar hours).
-- sevN_minutes: the partner response target for severity sevN.
CREATE TABLE partner_teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    calendar_id INTEGER REFERENCES calendars(id),
    sev1_minutes INTEGER NOT NULL,
    sev2_minutes INTEGER NOT NULL,
    sev3_minutes INTEGER NOT NULL,
    sev4_minutes INTEGER NOT NULL,
    is_active INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The people who work a team's escalations.
CREATE TABLE partner_team_members (
    team_id INTEGER NOT NULL REFERENCES partner_teams(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX partner_team_members_user ON partner_team_members(user_id, team_id);

-- Why tickets are escalated to a team: a list each team keeps. A retired reason keeps its
-- row (is_active = 0) so old escalations still name it.
CREATE TABLE escalation_reasons (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES partner_teams(id),
    label TEXT NOT NULL,
    is_active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (team_id, label)
);

-- One question from a ticket to a team. status: open, in_progress, waiting, answered,
-- declined. requested_by_*: the actor who escalated (a person, a rule, the system).
-- The response clock: target_ms of the team's target for the severity, elapsed_ms counted
-- before running_since (null while waiting or over); due_at and at_risk_at while it runs.
-- at_risk_marked_at and breached_at: when the durable timers marked it. answer: the answer
-- or the reason for declining, also an internal note on the ticket.
CREATE TABLE escalations (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    team_id INTEGER NOT NULL REFERENCES partner_teams(id),
    reason_id INTEGER NOT NULL REFERENCES escalation_reasons(id),
    severity TEXT NOT NULL,
    summary TEXT NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by_kind TEXT NOT NULL,
    requested_by_id INTEGER,
    requested_by_label TEXT,
    assignee_id INTEGER REFERENCES users(id),
    external_ref TEXT,
    target_ms INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    running_since INTEGER,
    due_at INTEGER,
    at_risk_at INTEGER,
    at_risk_marked_at INTEGER,
    breached_at INTEGER,
    answered_at INTEGER,
    answer TEXT,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX escalations_ticket ON escalations(ticket_id, id);
CREATE INDEX escalations_queue ON escalations(team_id, status, due_at, id);
