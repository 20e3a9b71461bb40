-- Retention: personal data is removed a configured time after closure; statistics stay.
ALTER TABLE complaints ADD COLUMN purged_on date;
-- The purge finds closed complaints not yet purged by their closing date.
CREATE INDEX complaints_to_purge ON complaints (closed_on) WHERE closed_on IS NOT NULL AND purged_on IS NULL;
