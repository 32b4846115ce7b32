-- The athlete the administrator chose in the dashboard's switcher (issue 18),
-- kept with their session; null = their own athlete. An athlete removed since
-- leaves the choice empty.
ALTER TABLE sessions ADD COLUMN view_athlete_id text REFERENCES athletes(id) ON DELETE SET NULL;
