-- The KPI figures over a period, each read by one index-only range scan (ombudsflow/db/kpis.py).

-- The complaint figures read one row per complaint: the status of its T1 deadline (and T1's
-- due date) and of its three T14 marks are kept on the complaint itself, written by
-- record_status in the statement that writes the row, from the same snapshot as its
-- `deadlines` rows. Joining `deadlines` by name for these meant three passes over half a
-- million rows for a year's figures.
ALTER TABLE complaints
    ADD COLUMN t1_status       text,   -- the T1 deadline's status; null when it has none
    ADD COLUMN t1_due          date,
    ADD COLUMN t14_13w_status  text,   -- the T14-13w / -26w / -52w marks' statuses
    ADD COLUMN t14_26w_status  text,
    ADD COLUMN t14_52w_status  text;

-- The indexes below replace these (same keys, more columns): dropped first, so the backfill
-- does not also write into them.
DROP INDEX complaints_received;
DROP INDEX complaints_closed;

-- Existing complaints: copied from their deadlines, one pass over the four names.
UPDATE complaints c
SET t1_status = m.t1_status, t1_due = m.t1_due, t14_13w_status = m.t14_13w_status,
    t14_26w_status = m.t14_26w_status, t14_52w_status = m.t14_52w_status
FROM (SELECT reference,
             min(status) FILTER (WHERE name = 'T1') AS t1_status,
             min(due) FILTER (WHERE name = 'T1') AS t1_due,
             min(status) FILTER (WHERE name = 'T14-13w') AS t14_13w_status,
             min(status) FILTER (WHERE name = 'T14-26w') AS t14_26w_status,
             min(status) FILTER (WHERE name = 'T14-52w') AS t14_52w_status
      FROM deadlines
      WHERE name IN ('T1', 'T14-13w', 'T14-26w', 'T14-52w')
      GROUP BY reference) m  -- one row per name and case (primary key): min() is that row's
WHERE m.reference = c.reference;

-- Complaints received in a period (the 20-working-day figure): a range scan on `received`
-- that carries what the figure counts, so it is answered by an index-only scan.
CREATE INDEX complaints_received ON complaints (received) INCLUDE (t1_status, t1_due);

-- Complaints closed in a period (the 13/26/52-week figures), carrying the marks' statuses for
-- an index-only scan; and, as before, for a past "as of" date the complaints still open then
-- because they closed later.
CREATE INDEX complaints_closed ON complaints (closed_on)
    INCLUDE (t14_13w_status, t14_26w_status, t14_52w_status) WHERE closed_on IS NOT NULL;

-- Requests answered in a period, by kind first: the requests figure and the remedies figure
-- each read only their own kinds' entries (one range per kind) instead of both reading every
-- answer of the period and filtering on kind. Same INCLUDE columns, so still index-only.
DROP INDEX requests_answered_by_date;
CREATE INDEX requests_answered_by_kind ON requests (kind, answered_on)
    INCLUDE (authority, original_due) WHERE status = 'answered';
