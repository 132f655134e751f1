-- Saved views of the console (SQLite). Keep in step with postgres/0013_saved_views.sql.
-- A view is a person's named filter of their work list: query is the home page's query
-- string (status, business line, category, queue, words), kept as typed after masking.
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
);
