-- Agents, teams and routing (SQLite). Keep in step with postgres/0008_routing.sql.
-- Times are epoch milliseconds (UTC).

-- A team people belong to: in-house, a vendor's, or a partner team (engineering, finance,
-- risk, legal). kind: in_house, vendor, partner.
CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    vendor_id INTEGER REFERENCES vendors(id),
    calendar_id INTEGER REFERENCES calendars(id),
    created_at INTEGER NOT NULL
);

-- What routing knows of an agent. languages, business_lines and categories are JSON arrays
-- of strings (an empty array means any). tier: l1, l2. presence: online, away, offline.
-- capacity: most open tickets assigned at once; chat_capacity: most live chats at once.
CREATE TABLE agent_profiles (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    team_id INTEGER REFERENCES teams(id),
    tier TEXT NOT NULL,
    languages TEXT NOT NULL,
    business_lines TEXT NOT NULL,
    categories TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    chat_capacity INTEGER NOT NULL,
    presence TEXT NOT NULL,
    presence_at INTEGER NOT NULL,
    calendar_id INTEGER REFERENCES calendars(id),
    last_assigned_at INTEGER,
    version INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Who works which queue.
CREATE TABLE queue_members (
    queue_id INTEGER NOT NULL REFERENCES queues(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (queue_id, user_id)
);
CREATE INDEX queue_members_user ON queue_members(user_id, queue_id);

-- Queues gain conditions (JSON; tried in position order to place tickets that name no queue),
-- a routing mode (manual, round_robin, least_loaded, skills) and an overflow: a ticket nobody
-- took within overflow_after_minutes moves to overflow_queue_id.
ALTER TABLE queues ADD COLUMN conditions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE queues ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN routing TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE queues ADD COLUMN overflow_after_minutes INTEGER;
ALTER TABLE queues ADD COLUMN overflow_queue_id INTEGER REFERENCES queues(id);
ALTER TABLE queues ADD COLUMN calendar_id INTEGER REFERENCES calendars(id);

-- When the ticket entered its current queue (the overflow wait counts from here).
ALTER TABLE tickets ADD COLUMN queued_at INTEGER;
UPDATE tickets SET queued_at = created_at WHERE queue_id IS NOT NULL;
CREATE INDEX tickets_queued ON tickets(queue_id, queued_at)
    WHERE assignee_id IS NULL AND status IN ('new', 'open');
