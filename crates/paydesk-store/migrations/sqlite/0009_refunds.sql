-- Refunds asked for on tickets, and the refund policy's versions (SQLite). Keep in step
-- with postgres/0009_refunds.sql. Times are epoch milliseconds (UTC); money is an integer
-- amount in minor units with its ISO 4217 code. Texts people wrote are stored redacted.

-- One refund of (part of) a charge, asked for on a ticket. state: pending_approval,
-- approved, rejected, executing, succeeded, failed; every change of state is a guarded
-- update (... WHERE state = 'approved'), so two approvals or executions never both win.
-- approved_by / decided_at / decision_note: the finance user who approved or rejected it.
-- idempotency_key: sent to the gateway with every attempt, so a retry never pays twice.
-- connector: how it is executed (record_only: made outside paydesk, external_ref names
-- it). next_attempt_at: when an approved or executing refund is next tried (an execution
-- left by a crash is taken up again from then). last_error: the last attempt's retryable
-- failure; failure_reason: why it failed for good.
CREATE TABLE refunds (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    transaction_id INTEGER NOT NULL REFERENCES transactions(id),
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at INTEGER NOT NULL,
    approved_by INTEGER REFERENCES users(id),
    decided_at INTEGER,
    decision_note TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    connector TEXT NOT NULL,
    external_ref TEXT,
    gateway_refund_ref TEXT,
    failure_reason TEXT,
    last_error TEXT,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    executed_at INTEGER,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX refunds_state ON refunds(state, requested_at, id);
CREATE INDEX refunds_ticket ON refunds(ticket_id, id);
CREATE INDEX refunds_transaction ON refunds(transaction_id, state);
CREATE INDEX refunds_due ON refunds(next_attempt_at, id)
    WHERE state IN ('approved', 'executing');

-- The refund policy, one row per version (the highest is in force); definition is the
-- JSON of paydesk_domain::payment::refund::RefundPolicy. No row: the built-in defaults.
CREATE TABLE refund_policies (
    version INTEGER PRIMARY KEY,
    definition TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
