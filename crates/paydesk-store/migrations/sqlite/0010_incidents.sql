-- Incidents and payment service health (SQLite). Keep in step with
-- postgres/0010_incidents.sql. Times are epoch milliseconds (UTC); JSON is text, and holds
-- instants as RFC 3339 text, never as bare numbers.

-- Something wrong on the payments side that many tickets are about. severity: sev1-sev4.
-- status: proposed, investigating, identified, monitoring, resolved, dismissed. origin:
-- declared (by a lead) or health_check (proposed by the payment health check). The scope:
-- gateway, method (card, wallet, bank_transfer), region, business_line, started_at,
-- ended_at (null while it lasts). rules: the JSON of paydesk_domain::incident::MatchRules,
-- or null when tickets are only linked by hand. health_key: '<gateway>:<method>' while a
-- proposed incident is open, so that two health checks running at once never propose the
-- same one twice; cleared once it is resolved or dismissed. closed_at: when it was
-- resolved or dismissed.
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    origin TEXT NOT NULL,
    gateway TEXT,
    method TEXT,
    region TEXT,
    business_line TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    rules TEXT,
    public_summary TEXT,
    health_key TEXT UNIQUE,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_at INTEGER
);
CREATE INDEX incidents_status ON incidents(status, id);
CREATE INDEX incidents_scope ON incidents(gateway, method, status);

-- An incident's timeline: who did what, when. action: an IncidentAction label; detail:
-- JSON with what the action changed.
CREATE TABLE incident_entries (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id INTEGER,
    actor_label TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX incident_entries_incident ON incident_entries(incident_id, id);

-- Tickets linked to incidents, once each. reason: rule or manual. A ticket unlinked by
-- hand keeps its row with is_linked = 0, so the rules never link it again.
CREATE TABLE incident_tickets (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    reason TEXT NOT NULL,
    is_linked INTEGER NOT NULL,
    linked_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (incident_id, ticket_id)
);
CREATE INDEX incident_tickets_ticket ON incident_tickets(ticket_id, incident_id);

-- Updates posted on an incident. kind: update or resolution. A public update is for the
-- tickets linked when it was posted and still unresolved; status says whether its replies
-- are being delivered (delivering) or all were (done); total counts those tickets.
-- idempotency_key and request_hash: SHA-256 (hex) of the client's key and of the request,
-- so that a repeated request returns the update it made instead of a second one.
CREATE TABLE incident_updates (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    is_public INTEGER NOT NULL,
    solve_tickets INTEGER NOT NULL,
    status TEXT NOT NULL,
    total INTEGER NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id INTEGER,
    actor_label TEXT,
    idempotency_key TEXT,
    request_hash TEXT,
    created_at INTEGER NOT NULL,
    completed_at INTEGER,
    UNIQUE (incident_id, idempotency_key)
);
CREATE INDEX incident_updates_incident ON incident_updates(incident_id, id);

-- What each public update did to each ticket, once: replied (message_id: the reply) or
-- skipped (the ticket was solved or closed meanwhile). The key is the guarantee that a
-- ticket gets one reply per update, however often delivery runs.
CREATE TABLE incident_deliveries (
    update_id INTEGER NOT NULL REFERENCES incident_updates(id),
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    outcome TEXT NOT NULL,
    message_id INTEGER REFERENCES messages(id),
    delivered_at INTEGER NOT NULL,
    PRIMARY KEY (update_id, ticket_id)
);

-- Authorisation attempts counted per minute (its start), gateway and method. latency_N:
-- attempts whose latency fell in bucket N of paydesk_domain::payment_health's fixed bounds
-- (100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000 ms, slower).
CREATE TABLE payment_health_minutes (
    gateway TEXT NOT NULL,
    method TEXT NOT NULL,
    minute INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    successes INTEGER NOT NULL,
    declines INTEGER NOT NULL,
    failures INTEGER NOT NULL,
    latency_0 INTEGER NOT NULL,
    latency_1 INTEGER NOT NULL,
    latency_2 INTEGER NOT NULL,
    latency_3 INTEGER NOT NULL,
    latency_4 INTEGER NOT NULL,
    latency_5 INTEGER NOT NULL,
    latency_6 INTEGER NOT NULL,
    latency_7 INTEGER NOT NULL,
    latency_8 INTEGER NOT NULL,
    latency_9 INTEGER NOT NULL,
    latency_10 INTEGER NOT NULL,
    latency_11 INTEGER NOT NULL,
    PRIMARY KEY (gateway, method, minute)
);
CREATE INDEX payment_health_minutes_minute ON payment_health_minutes(minute);

-- Declines and failures counted per minute, gateway, method and code.
CREATE TABLE payment_health_codes (
    gateway TEXT NOT NULL,
    method TEXT NOT NULL,
    minute INTEGER NOT NULL,
    code TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (gateway, method, minute, code)
);
CREATE INDEX payment_health_codes_minute ON payment_health_codes(minute);

-- Objectives per gateway and method; the row with gateway and method '*' is the default.
-- success_rate_bp: the lowest acceptable success rate in basis points (9000 = 90%).
CREATE TABLE payment_objectives (
    gateway TEXT NOT NULL,
    method TEXT NOT NULL,
    success_rate_bp INTEGER NOT NULL,
    p95_latency_ms INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (gateway, method)
);
