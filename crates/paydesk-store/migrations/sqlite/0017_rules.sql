-- Trigger and time rules (SQLITE). Keep in step with postgres/0017_rules.sql. Times are
-- epoch milliseconds (UTC).

-- A rule: spec is the JSON of paydesk_domain::rules::RuleSpec (kind, conditions,
-- actions); kind repeats its type (trigger or time) for listing. Rules run by
-- (position, id). version grows with every change.
CREATE TABLE rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    spec TEXT NOT NULL,
    position INTEGER NOT NULL,
    is_active INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX rules_order ON rules(is_active, position, id);

-- Every firing of a rule on a ticket. source_event_id: the trigger event it answered
-- (triggers), or null for a time-rule sweep (sweep_at set). ticket_version: the ticket's
-- version once the firing's actions and the sweep were done (time rules fire once per
-- ticket version). error: why an action could not be taken, if one could not.
-- The unique pair makes a trigger event's firing happen once even when re-run.
CREATE TABLE rule_firings (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    fired_at INTEGER NOT NULL,
    source_event_id INTEGER,
    sweep_at INTEGER,
    ticket_version INTEGER NOT NULL,
    actions TEXT NOT NULL,
    error TEXT,
    UNIQUE (rule_id, source_event_id)
);
CREATE INDEX rule_firings_rule ON rule_firings(rule_id, id);
CREATE INDEX rule_firings_ticket ON rule_firings(ticket_id, rule_id, id);

-- The rule loops, one row each: 1, triggers (every event up to last_event_id has been
-- evaluated); 2, time-rule sweeps (last_event_id unused). An instance holds a row by lease
-- (leased_by until leased_until) while it works, so two instances never run one loop at once.
CREATE TABLE rule_trigger_cursor (
    id INTEGER PRIMARY KEY,
    last_event_id INTEGER NOT NULL,
    leased_by TEXT,
    leased_until INTEGER
);
INSERT INTO rule_trigger_cursor (id, last_event_id) VALUES (1, 0), (2, 0);
