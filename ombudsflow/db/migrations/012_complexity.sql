-- Allocation (SPEC.md "Allocation"): each forwarded case's complexity weighs on its
-- investigator's caseload (high 3, moderate 2, low 1 points); set on forwarding or later.
ALTER TABLE complaints ADD COLUMN complexity text NOT NULL DEFAULT 'moderate',
                       ADD COLUMN reallocated_on date;
