-- Athletes (issue 18, DESIGN §2 "households and clubs"): every source account
-- and exactly one Strava connection belong to an athlete; workouts, ledger
-- rows and the per-athlete settings carry it. Sync records belong to their
-- workout, hence to its athlete.
CREATE TABLE athletes (
  id                 text PRIMARY KEY,
  -- What the CLI's --athlete and the dashboard's switcher name.
  name               text NOT NULL UNIQUE,
  -- The Strava athlete id of its connection, once connected.
  strava_athlete_id  text UNIQUE,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);

-- A database of the single-athlete releases becomes one athlete, named after
-- its Strava athlete (the first name Strava gave at connect, else its id),
-- or `me` when Strava was never connected. Accented letters become their base
-- letter (names are plain for the command line: José → jose). An empty database gets none: the
-- first connection creates `me`, or the user adds athletes by name.
INSERT INTO athletes (id, name, strava_athlete_id, created_at, updated_at)
SELECT md5('bandsync-first-athlete' || clock_timestamp()::text || random()::text),
  COALESCE(
    (SELECT nullif(lower(trim(BOTH '-' FROM regexp_replace(translate(lower(substring(label FROM '\(([^()]+)\)\s*$')), 'àáâãäåāăąçćčďèéêëēėęěğìíîïīįıłñńňòóôõöøōőřśšşťùúûüūůűųýÿžźżß', 'aaaaaaaaacccdeeeeeeeegiiiiiiilnnnoooooooorssstuuuuuuuuyyzzzs'), '[^A-Za-z0-9._-]+', '-', 'g'))), '')
       FROM accounts WHERE kind = 'strava' ORDER BY created_at LIMIT 1),
    (SELECT 'strava-' || (settings->>'athleteId') FROM accounts
       WHERE kind = 'strava' AND settings->>'athleteId' ~ '^[0-9]+$' ORDER BY created_at LIMIT 1),
    'me'),
  (SELECT settings->>'athleteId' FROM accounts
     WHERE kind = 'strava' AND settings->>'athleteId' ~ '^[0-9]+$' ORDER BY created_at LIMIT 1),
  COALESCE((SELECT min(created_at) FROM accounts), now()),
  now()
WHERE EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM ledger)
   OR EXISTS (SELECT 1 FROM settings WHERE key IN ('mapping', 'privacy'));

ALTER TABLE accounts ADD COLUMN athlete_id text REFERENCES athletes(id) ON DELETE CASCADE;
UPDATE accounts SET athlete_id = (SELECT id FROM athletes);
ALTER TABLE accounts ALTER COLUMN athlete_id SET NOT NULL;
CREATE INDEX accounts_athlete ON accounts (athlete_id);
-- Exactly one Strava connection per athlete.
CREATE UNIQUE INDEX accounts_one_strava ON accounts (athlete_id) WHERE kind = 'strava';

-- Copied from the account so lists, duplicate matching and fingerprints are
-- scoped by one indexed column.
ALTER TABLE workouts ADD COLUMN athlete_id text REFERENCES athletes(id) ON DELETE CASCADE;
UPDATE workouts w SET athlete_id = a.athlete_id FROM accounts a WHERE a.id = w.account_id;
ALTER TABLE workouts ALTER COLUMN athlete_id SET NOT NULL;
CREATE INDEX workouts_athlete_start ON workouts (athlete_id, start_time);
CREATE INDEX workouts_athlete_fingerprint ON workouts (athlete_id, fingerprint);

-- No foreign key (the ledger is append-only and outlives accounts); removing
-- an athlete deletes its rows explicitly. Every row of a single-athlete
-- database is that athlete's, those of deleted accounts too.
ALTER TABLE ledger ADD COLUMN athlete_id text;
UPDATE ledger SET athlete_id = (SELECT id FROM athletes);
CREATE INDEX ledger_athlete ON ledger (athlete_id, id);

-- Sport rules, overrides and device name ('mapping') and privacy are per
-- athlete: stored under athlete:<id>:<key>.
UPDATE settings SET key = 'athlete:' || (SELECT id FROM athletes) || ':' || key
WHERE key IN ('mapping', 'privacy') AND EXISTS (SELECT 1 FROM athletes);
