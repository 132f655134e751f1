-- Macros (SQLite). Keep in step with postgres/0016_macros.sql. Times are epoch
-- milliseconds (UTC).

-- A named reply with placeholders and actions. scope: personal (owner_id set), team
-- (team_id set) or shared. reply_visibility: public or internal, null with reply_body
-- when the macro has no reply. actions: the JSON list of paydesk_domain::macros::MacroAction,
-- in the order they run. usage_count and last_used_at move in the transaction that
-- applies the macro.
CREATE TABLE macros (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    reply_body TEXT,
    reply_visibility TEXT,
    actions TEXT NOT NULL,
    scope TEXT NOT NULL,
    owner_id INTEGER REFERENCES users(id),
    team_id INTEGER REFERENCES teams(id),
    is_active INTEGER NOT NULL DEFAULT 1,
    usage_count INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER,
    version INTEGER NOT NULL,
    created_by INTEGER REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX macros_scope ON macros(scope, owner_id, team_id);

-- The IANA time zone dates in a customer's replies are written in; null: the country's
-- zone, else UTC.
ALTER TABLE customers ADD COLUMN time_zone TEXT;
