-- The read model: what the workflows have decided, written by activities, read by the API.
-- Temporal holds the truth of each running complaint; these tables let people list and
-- report across complaints without scanning Temporal.

CREATE TABLE complaints (
    reference          text PRIMARY KEY,
    authority          text NOT NULL,
    scheme             text NOT NULL,
    subject            text NOT NULL,
    complainant_name   text NOT NULL,
    complainant_email  text,
    urgent             boolean NOT NULL DEFAULT false,
    stage              text NOT NULL,
    received           date NOT NULL,
    forwarded_on       date,
    urgent_target      date,
    allocated_on       date,
    investigator       text,
    first_contact_on   date,
    closed_on          date,
    next_deadline      date,
    overdue            boolean NOT NULL DEFAULT false,
    version            integer NOT NULL,   -- snapshots older than this are ignored
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- The unallocated list: urgent first, then oldest forwarded first.
CREATE INDEX complaints_unallocated ON complaints (urgent DESC, forwarded_on)
    WHERE stage = 'awaiting_allocation';
CREATE INDEX complaints_authority ON complaints (authority, stage);

CREATE TABLE deadlines (
    reference  text NOT NULL REFERENCES complaints ON DELETE CASCADE,
    name       text NOT NULL,              -- timetable row (T1, T3, ...) or a request id
    due        date NOT NULL,
    label      text NOT NULL,
    rule       text NOT NULL,
    status     text NOT NULL,              -- pending | met | missed | cancelled
    met_on     date,
    PRIMARY KEY (reference, name)
);
CREATE INDEX deadlines_due ON deadlines (due) WHERE status = 'pending';

CREATE TABLE tasks (
    id          text PRIMARY KEY,          -- "<reference>/<name>": a retry never opens a second
    reference   text NOT NULL,
    name        text NOT NULL,
    role        text NOT NULL,
    title       text NOT NULL,
    due         date,
    assignee    text,
    status      text NOT NULL,             -- open | done | cancelled
    opened_on   date NOT NULL,
    closed_on   date,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_open ON tasks (role, due) WHERE status = 'open';
CREATE INDEX tasks_reference ON tasks (reference);

CREATE TABLE letters (
    id                 bigserial PRIMARY KEY,
    reference          text NOT NULL,
    key                text NOT NULL,      -- the workflow's idempotency key for this letter
    template           text NOT NULL,
    recipient          text NOT NULL,      -- complainant | council
    recipient_address  text,
    letter_date        date NOT NULL,
    subject            text NOT NULL,
    html               text NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    mailed_at          timestamptz,        -- null until the SMTP server accepted it
    UNIQUE (reference, key)
);

CREATE TABLE notifications (
    id            bigserial PRIMARY KEY,
    reference     text NOT NULL,
    key           text NOT NULL,
    about         text NOT NULL,           -- timetable row: T1, T3, R2, ...
    request       text,
    roles         text[] NOT NULL,
    recipients    text[] NOT NULL,
    subject       text NOT NULL,
    body          text NOT NULL,
    notice_date   date NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    mailed_at     timestamptz,
    UNIQUE (reference, key)
);
