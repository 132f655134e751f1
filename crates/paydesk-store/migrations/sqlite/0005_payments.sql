-- Payment objects beside the tickets, and the gateway webhooks that report them (SQLite).
-- Keep in step with postgres/0005_payments.sql. Times are epoch milliseconds (UTC); money
-- is an integer amount in minor units with its ISO 4217 code. Every text that came from a
-- gateway is stored redacted.

-- Charges, refunds, payouts, top-ups and transfers, one row per gateway object.
-- kind: charge, refund, payout, top_up, transfer. status: pending, authorised, captured,
-- settled, failed, reversed, refunded. card_last4 holds four digits at most, never more.
CREATE TABLE transactions (
    id INTEGER PRIMARY KEY,
    gateway TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    amount_refunded INTEGER NOT NULL,
    customer_id INTEGER REFERENCES customers(id),
    order_id TEXT,
    failure_code TEXT,
    failure_message TEXT,
    card_brand TEXT,
    card_last4 TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (gateway, gateway_ref)
);
CREATE INDEX transactions_customer ON transactions(customer_id, created_at);

-- Inquiries and chargebacks. transaction_ref is the disputed payment's gateway id, kept
-- until the payment itself is known (then transaction_id is set). ticket_id: the ticket
-- opened for the dispute. stage: inquiry, chargeback, pre_arbitration, arbitration.
-- status: warning_needs_response, warning_under_review, warning_closed, needs_response,
-- under_review, won, lost, accepted, prevented.
CREATE TABLE disputes (
    id INTEGER PRIMARY KEY,
    gateway TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    transaction_id INTEGER REFERENCES transactions(id),
    transaction_ref TEXT,
    customer_id INTEGER REFERENCES customers(id),
    ticket_id INTEGER REFERENCES tickets(id),
    network TEXT,
    reason TEXT,
    network_reason_code TEXT,
    stage TEXT NOT NULL,
    status TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    due_at INTEGER,
    funds_withdrawn_at INTEGER,
    funds_reinstated_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (gateway, gateway_ref)
);
CREATE INDEX disputes_transaction ON disputes(transaction_id);
CREATE INDEX disputes_transaction_ref ON disputes(gateway, transaction_ref);
CREATE INDEX disputes_due ON disputes(status, due_at);
CREATE INDEX disputes_ticket ON disputes(ticket_id);

-- Money sent out to merchants and creators. status: scheduled, in_transit, paid, failed,
-- held, canceled.
CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    gateway TEXT NOT NULL,
    gateway_ref TEXT NOT NULL,
    customer_id INTEGER REFERENCES customers(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_code TEXT,
    failure_message TEXT,
    arrival_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (gateway, gateway_ref)
);
CREATE INDEX payouts_customer ON payouts(customer_id, created_at);

-- Which tickets are about which payment objects. kind: transaction, dispute, payout;
-- object_id is the id in that kind's table.
CREATE TABLE ticket_payment_links (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    kind TEXT NOT NULL,
    object_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, kind, object_id)
);
CREATE INDEX ticket_payment_links_object ON ticket_payment_links(kind, object_id);

-- Every webhook delivery whose signature held, redacted: the event id makes a redelivery
-- change nothing. source: the endpoint (stripe, or the gateway named in paydesk's own
-- format). outcome: processed, ignored (a type paydesk does not handle), invalid (a
-- handled type whose object could not be used), malformed (not an event; event_id and
-- type are then null and payload is the body as text). ticket_id: the ticket opened or
-- noted, if any.
CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    event_id TEXT,
    type TEXT,
    received_at INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT,
    ticket_id INTEGER REFERENCES tickets(id),
    payload TEXT NOT NULL,
    UNIQUE (source, event_id)
);
CREATE INDEX webhook_events_received ON webhook_events(received_at, id);
