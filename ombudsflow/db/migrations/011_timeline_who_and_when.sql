-- The audit trail (issue 13/14): each staff event's line says who recorded it, and, for an
-- event recorded after the day it happened, the day it was recorded. Letters and notices
-- taken after the day they fell due keep that day in `due` (shown as late).
ALTER TABLE timeline ADD COLUMN by text, ADD COLUMN recorded date, ADD COLUMN reason text;

