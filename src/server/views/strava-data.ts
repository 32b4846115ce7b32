// What a page shows of Strava's data when the viewer is not the athlete it
// belongs to (the administrator looking at another athlete): Strava's API
// agreement lets an application show an athlete's Strava data to that
// athlete only (../shared/notes/strava-api.md §1.9). The band's data and the
// sync states stay; Strava's names, numbers, ids and links go.
import type { Account } from '../../sync/ports.js';

/** A connection's label; Strava's carries the name Strava gave the athlete. */
export function accountLabel(a: Pick<Account, 'kind' | 'label'>, showStravaData: boolean): string {
  return !showStravaData && a.kind === 'strava' ? 'Strava' : a.label;
}

// "activity 123", "activities/123", "activity id 123", "upload 456": Strava's ids in reasons and errors,
// with the sport Strava gave that activity when it follows ("Strava activity 123 (Run) starts …").
const STRAVA_IDS = /\b(activit(?:y|ies)|uploads?)(\s+id\s+|[\s/#:]+)\d+(\s+\([A-Za-z]+\))?/gi;

/** A ledger reason or an error message without the Strava activity and upload ids it may carry. */
export function withoutStravaIds(text: string, showStravaData: boolean): string {
  return showStravaData ? text : text.replace(STRAVA_IDS, '$1$2(hidden)');
}

/** Said where Strava's numbers would be. */
export const STRAVA_DATA_HIDDEN =
  "Strava's data of this athlete is shown to them only (Strava's API agreement); their band's data and sync states are shown.";
