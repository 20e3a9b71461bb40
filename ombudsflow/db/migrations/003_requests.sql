-- Council requests (SPEC.md R1-R5): what each council owes the Ombudsman, and by when.
-- Written by `record_status` from the workflow's `CaseStatus.requests` snapshot; read by
-- `GET /requests`, `GET /reports/overdue` and the Monday report.

CREATE TABLE requests (
    reference         text NOT NULL REFERENCES complaints ON DELETE CASCADE,
    id                text NOT NULL,           -- the event's `request`, a recommendation id, T12-response
    -- Copied from complaints so the council filters need no join (a complaint's authority
    -- never changes; every snapshot rewrites it anyway).
    authority         text NOT NULL,
    kind              text NOT NULL,           -- information | evidence | remedy | report_response
    rule              text NOT NULL,           -- how the due date was computed
    status            text NOT NULL,           -- open | answered | cancelled
    opened_on         date NOT NULL,
    due               date NOT NULL,           -- after any extension
    original_due      date NOT NULL,           -- before any extension: lateness is judged on it
    answered_on       date,
    -- Derived, so it can never disagree with the dates (SPEC.md R3: an answer after the
    -- original date is late whatever extension was agreed later).
    answered_late     boolean GENERATED ALWAYS AS
                          (answered_on IS NOT NULL AND answered_on > original_due) STORED,
    extensions        jsonb NOT NULL DEFAULT '[]',  -- [{agreed_on, old_due, new_due}], oldest first
    reminders_sent    integer NOT NULL DEFAULT 0,
    last_reminder_on  date,
    chaser_1_on       date,
    chaser_2_on       date,
    PRIMARY KEY (reference, id)                -- also serves one complaint's requests
);

-- A council's open requests by due date: `GET /requests?council=..&status=open|due_soon|
-- overdue` and the per-council overdue report are a range scan of this partial index
-- (due < today, or today <= due <= today + 5 working days). Partial: answered requests
-- pile up over the years while the open ones stay few.
CREATE INDEX requests_open_by_council ON requests (authority, due) WHERE status = 'open';

-- The same without a council: the Monday run finds every council with something overdue
-- or due soon, and `GET /requests?status=overdue` lists across councils.
CREATE INDEX requests_open_by_due ON requests (due) WHERE status = 'open';

-- Any status, by council and due date: `GET /requests?council=..&due_before=..&due_after=..`
-- and the plain council listing, ordered by due date.
CREATE INDEX requests_by_council ON requests (authority, due);

-- Answered late, by council: a small, ever-growing subset the performance figures need.
CREATE INDEX requests_answered_late ON requests (authority, answered_on) WHERE answered_late;

-- The overdue report also lists open tasks. They need no index of their own: a council's
-- complaints come from complaints_authority and their tasks from tasks_reference (a
-- complaint has a handful), and across councils from the partial tasks_open.

-- One row per council per Monday report: the activity mails a council's report only while
-- its row says it was not mailed, so a retried or re-run report sends nothing twice.
CREATE TABLE overdue_report_mails (
    report_date  date NOT NULL,
    authority    text NOT NULL,
    recipients   text[] NOT NULL,
    subject      text NOT NULL,
    text_body    text NOT NULL,
    html         text NOT NULL,
    item_count   integer NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    mailed_at    timestamptz,               -- null until the SMTP server accepted it
    PRIMARY KEY (report_date, authority)
);
