-- Investigation to closure (SPEC.md T10-T14), the whole timeline of a case, and the KPIs.

-- What the workflow's CaseStatus gained for decisions, reports and closure.
ALTER TABLE complaints
    ADD COLUMN closed_reason        text,
    ADD COLUMN draft_decision_on    date,
    ADD COLUMN final_decision_on    date,
    ADD COLUMN outcome              text,
    ADD COLUMN review_requested_on  date,
    ADD COLUMN public_report_on     date,
    ADD COLUMN further_report_on    date,
    ADD COLUMN non_compliance_on    date,                    -- T13: statement of non-compliance
    ADD COLUMN dip_sample           boolean NOT NULL DEFAULT false;  -- T14: open past 52 weeks

-- `target`: a KPI mark or a window that simply arrives (T10, T11-*, T12/T13 publication and
-- notices, T14-13w/26w/52w) rather than a duty someone can be late with.
-- How a due date was worked out, for explanations: the period (e.g. "20 working days") and
-- the date it counts from; both null when the date was given (an urgent target, an extension).
ALTER TABLE deadlines
    ADD COLUMN target       boolean NOT NULL DEFAULT false,
    ADD COLUMN counts_from  date,
    ADD COLUMN period       text;

-- Every line of a case's timeline (the shape `ombudsflow simulate` prints), across all its
-- continue-as-new runs. Each snapshot carries the lines added since the one before and the
-- position of the first; a line is written once at its position (ON CONFLICT DO NOTHING), so
-- a retried, repeated or out-of-order snapshot never duplicates or drops one.
CREATE TABLE timeline (
    reference  text NOT NULL REFERENCES complaints ON DELETE CASCADE,
    seq        integer NOT NULL,            -- position in the case's whole timeline, from 0
    date       date NOT NULL,
    kind       text NOT NULL,               -- letter | deadline | notification | stage | task | event
    template   text,
    "to"       text,
    name       text,
    due        date,
    about      text,
    request    text,
    stage      text,
    event      text,
    PRIMARY KEY (reference, seq)            -- one case's timeline, in order, is a range of it
);

-- KPI indexes (the queries are in ombudsflow/db/kpis.py, which says how each is used).

-- Complaints received in a period (the 20-working-day figure): a range scan on `received`.
CREATE INDEX complaints_received ON complaints (received);

-- Complaints closed in a period (the 13/26/52-week figures), and for a past "as of" date the
-- complaints still open then because they closed later.
CREATE INDEX complaints_closed ON complaints (closed_on) WHERE closed_on IS NOT NULL;

-- Open complaints, oldest first: "open over 52 weeks" is the head of this small partial index
-- (received <= today - 52 weeks), however many closed cases pile up over the years.
CREATE INDEX complaints_open_by_received ON complaints (received) WHERE closed_on IS NULL;

-- Requests answered in a period, per council and kind: a range scan on `answered_on` that
-- carries everything the on-time figures count, so the heap is rarely visited.
CREATE INDEX requests_answered_by_date ON requests (answered_on)
    INCLUDE (authority, kind, original_due) WHERE status = 'answered';
