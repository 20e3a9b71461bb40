-- Browser sessions (ombudsflow/db/users.py): signing in at /login makes one, signing out
-- deletes it. The cookie holds a random session id, never the user's API token; only the
-- id's SHA-256 is kept, so a copy of this table signs nobody in. Disabling a user or
-- issuing them a new token deletes their sessions.

CREATE TABLE sessions (
    id_hash     bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
