-- The plain-text alternative of a stored letter, so a resend after a crash mails exactly
-- what was stored rather than a fresh rendering.
ALTER TABLE letters ADD COLUMN text_body text NOT NULL DEFAULT '';
-- The letters of one complaint, in date order (the API's letter list).
CREATE INDEX letters_reference ON letters (reference, letter_date, id);
CREATE INDEX notifications_reference ON notifications (reference, notice_date, id);
