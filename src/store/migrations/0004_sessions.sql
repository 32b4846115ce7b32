-- Dashboard sessions and athlete invites (issue 18): logged-in sessions
-- survive a restart. Neither table holds a usable secret: a session is found
-- by the SHA-256 of its cookie value and an invite by the SHA-256 of its
-- link's token, so a copy of the database signs no one in.
CREATE TABLE sessions (
  id_hash       text PRIMARY KEY,
  csrf          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'athlete')),
  -- The athlete an athlete session acts for; null for the administrator.
  athlete_id    text REFERENCES athletes(id) ON DELETE CASCADE,
  -- One message for the next page (post → redirect → get).
  flash         jsonb,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  CHECK ((role = 'athlete') = (athlete_id IS NOT NULL))
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE invites (
  token_hash  text PRIMARY KEY,
  athlete_id  text NOT NULL REFERENCES athletes(id) ON DELETE CASCADE,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL,
  -- Set when the link is used: it works once.
  used_at     timestamptz
);
