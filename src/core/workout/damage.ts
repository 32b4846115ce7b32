// Damaged input: a file the decoder could read only partly. What was read is
// kept, but never sent on as if it were the whole recording (Strava has no
// delete, so a partial activity could not be replaced later).
import type { Issue, Workout } from './types.js';

/** The decoder's messages for the damage among `issues`, most specific first; null when nothing was lost. */
export function damageMessage(issues: readonly Issue[]): string | null {
  const damage = issues.filter((i) => i.damage);
  if (damage.length === 0) return null;
  // A generic integrity note adds nothing next to the decoder's own error.
  const specific = damage.filter((i) => i.code !== 'fit.integrity');
  const details = (specific.length ? specific : damage).map((i) => i.detail);
  return [...new Set(details)].join('; ');
}

/** The workout marked with the damage its issues report (unchanged when there is none). */
export function withDamage(workout: Workout, issues: readonly Issue[]): Workout {
  const damage = damageMessage(issues);
  return damage === null ? workout : { ...workout, damage };
}
