-- Letters and notices that could not be delivered (issue 11: nothing stops a complaint).

-- Why the last attempt to mail a stored letter or notice failed; cleared by mailing it.
-- With mailed_at still null this is "pending: <reason>", retried by Temporal with backoff.
ALTER TABLE letters ADD COLUMN last_error text;
ALTER TABLE notifications ADD COLUMN last_error text;

-- Deliveries that failed for good (a letter that will not render, an address that cannot
-- exist), as the complaint's workflow last recorded them: the coordinators' "needs
-- attention" list, until someone retries or dismisses them.
CREATE TABLE undelivered (
    reference  text NOT NULL REFERENCES complaints (reference) ON DELETE CASCADE,
    key        text NOT NULL,
    what       text NOT NULL,
    due_on     date NOT NULL,
    reason     text,
    PRIMARY KEY (reference, key)
);

-- Pending mail with a reason, for the same list: small partial indexes, empty when all is well.
CREATE INDEX letters_pending ON letters (letter_date) WHERE mailed_at IS NULL AND last_error IS NOT NULL;
CREATE INDEX notifications_pending ON notifications (notice_date) WHERE mailed_at IS NULL AND last_error IS NOT NULL;
