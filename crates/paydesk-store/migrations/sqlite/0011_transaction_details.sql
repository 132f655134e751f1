-- Transaction and payout details (SQLite). Keep in step with postgres/0011_transaction_details.sql.

-- How a transaction was paid. payment_method: card, wallet, bank_transfer, other (NULL when
-- the gateway did not say). wallet: the wallet's name (apple_pay, google_pay, paypal, ...)
-- when paid with one. A card keeps only card_brand and card_last4 (0005).
ALTER TABLE transactions ADD COLUMN payment_method TEXT;
ALTER TABLE transactions ADD COLUMN wallet TEXT;

-- Tickets name orders and gateway references; their writes look both up by these indexes
-- (the unique (gateway, gateway_ref) index cannot answer a reference without its gateway).
CREATE INDEX transactions_order ON transactions(order_id);
CREATE INDEX transactions_ref ON transactions(gateway_ref);

-- A payout's schedule: daily, weekly, monthly, manual (NULL when unknown). held: 1 while
-- it is held for review (risk, identity or tax checks), else 0. Its expected arrival date
-- and failure code and message are kept in arrival_at, failure_code and failure_message (0005).
ALTER TABLE payouts ADD COLUMN schedule TEXT;
ALTER TABLE payouts ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
CREATE INDEX payouts_ref ON payouts(gateway_ref);

-- A customer's money movements, newest first, for the activity timeline.
CREATE INDEX disputes_customer ON disputes(customer_id, created_at);
