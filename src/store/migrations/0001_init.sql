-- bandsync schema v1 (DESIGN §4.2). Tables are unqualified: the store sets
-- search_path to its schema, so one database can hold several instances.

CREATE TABLE accounts (
  id          text PRIMARY KEY,
  kind        text NOT NULL,
  label       text NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- AES-256-GCM sealed JSON object of secrets (tokens, passwords); never plaintext.
  secrets     text,
  status      text NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'needs_user')),
  problem     text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);

CREATE TABLE workouts (
  id            text PRIMARY KEY,
  account_id    text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  source_id     text NOT NULL,
  start_time    timestamptz NOT NULL,
  sport         text NOT NULL,
  name          text,
  fingerprint   text NOT NULL,
  -- sha-256 of the stored JSON: tells "changed" apart from "seen again".
  content_hash  text NOT NULL,
  revision      text,
  workout       jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  UNIQUE (account_id, source_id)
);
CREATE INDEX workouts_fingerprint ON workouts (fingerprint);
CREATE INDEX workouts_start ON workouts (account_id, start_time);

CREATE TABLE sync_records (
  workout_id       text NOT NULL REFERENCES workouts(id) ON DELETE CASCADE,
  destination      text NOT NULL,
  state            text NOT NULL,
  code             text,
  external_id      text NOT NULL,
  upload_id        text,
  activity_id      text,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (workout_id, destination)
);
CREATE INDEX sync_records_state ON sync_records (destination, state);

-- Append-only: no foreign keys, so the history outlives deleted accounts.
CREATE TABLE ledger (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  workout_id  text,
  account_id  text,
  event       text NOT NULL,
  from_state  text,
  to_state    text,
  reason      text NOT NULL,
  data        jsonb
);
CREATE INDEX ledger_workout ON ledger (workout_id, id);

-- Strava's per-application budget: ONE row, updated under a row lock by every
-- worker of every machine (F10).
CREATE TABLE rate_budget (
  id               integer PRIMARY KEY CHECK (id = 1),
  limit15          integer NOT NULL,
  usage15          integer NOT NULL,
  limit_day        integer NOT NULL,
  usage_day        integer NOT NULL,
  read_limit15     integer NOT NULL,
  read_usage15     integer NOT NULL,
  read_limit_day   integer NOT NULL,
  read_usage_day   integer NOT NULL,
  window_ends_at   timestamptz NOT NULL,
  day_ends_at      timestamptz NOT NULL,
  blocked_until    timestamptz,
  updated_at       timestamptz NOT NULL
);
-- Window ends in the past: the first use rolls them to the current windows.
INSERT INTO rate_budget VALUES (1, 200, 0, 2000, 0, 100, 0, 1000, 0,
  '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z', NULL, '1970-01-01T00:00:00Z');

CREATE TABLE settings (
  key         text PRIMARY KEY,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL
);
