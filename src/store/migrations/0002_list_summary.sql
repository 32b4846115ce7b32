-- What a list row shows of a workout (distance, times, heart rate, local
-- offset), kept beside the workout so a page of 50 rows never reads 50 whole
-- workouts. Filled on save; rows saved before this (or by an older summary
-- version) are filled the first time they are listed.
ALTER TABLE workouts ADD COLUMN list_summary jsonb;

-- The log page filters the ledger by account and by event, newest first.
CREATE INDEX ledger_account ON ledger (account_id, id);
CREATE INDEX ledger_event ON ledger (event, id);
