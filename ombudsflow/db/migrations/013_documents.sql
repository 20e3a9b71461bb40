-- Documents a council attaches to its answer to a request (issue 14): kept in PostgreSQL with
-- the complaint (backed up, purged and access-checked with it), each with its SHA-256 so a
-- download can be shown to be what was sent. The type is what the content was judged to be,
-- never what the browser said. No foreign key to requests: a status snapshot rewrites those.
CREATE TABLE documents (
    id            bigserial PRIMARY KEY,
    reference     text NOT NULL REFERENCES complaints ON DELETE CASCADE,
    request       text NOT NULL,
    filename      text NOT NULL,
    content_type  text NOT NULL,
    size          integer NOT NULL CHECK (size > 0),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    content       bytea NOT NULL,
    uploaded_by   text,
    uploaded_at   timestamptz NOT NULL DEFAULT now()
);
-- Content is fetched only for a download; lists read the rest.
ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL;
CREATE INDEX documents_by_request ON documents (reference, request, id);
