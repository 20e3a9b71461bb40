-- People who may use the API and the pages (api/auth.py), each with one role.
-- A token is shown once when issued; only its SHA-256 is kept, so a copy of this table
-- lets nobody in.

CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    role        text NOT NULL
                CHECK (role IN ('link_officer', 'coordinator', 'operator', 'admin')),
    council     text,                       -- a link officer's authority, as on complaints
    token_hash  bytea NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled    boolean NOT NULL DEFAULT false,
    -- A link officer sees one council's cases; nobody else is tied to one.
    CHECK ((role = 'link_officer') = (council IS NOT NULL))
);
