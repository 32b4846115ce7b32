-- Requests for new workouts, per UTC day (issue 18): the rate new workouts
-- come at, from which the budget sizes the part of the day a backfill leaves
-- them (core/limits.ts newWorkoutReserve). fresh_since: the first such request
-- of the day; fresh_prev_day: the previous day's count.
ALTER TABLE rate_budget
  ADD COLUMN fresh_usage_day integer NOT NULL DEFAULT 0,
  ADD COLUMN fresh_since timestamptz,
  ADD COLUMN fresh_prev_day integer NOT NULL DEFAULT 0;
