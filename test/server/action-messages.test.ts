// What the dashboard says after a re-map or a settings save: "done" only for
// what was done; a pending or refused Strava update is an error flash that
// names the reason and what happens next.
import { describe, expect, it } from 'vitest';
import { remapMessage } from '../../src/server/pages/workout.js';
import { savedMessage } from '../../src/server/pages/settings.js';

describe('re-map messages', () => {
  it('says done only when the Strava activity was updated, or when the upload will carry it', () => {
    expect(remapMessage('Hike', { kind: 'updated', activityId: '42', sportType: 'Hike' })).toEqual({
      kind: 'ok',
      text: 'Sport re-mapped to Hike; the Strava activity now shows Hike.',
    });
    expect(remapMessage('Hike', { kind: 'not_on_strava' })).toMatchObject({
      kind: 'ok',
      text: expect.stringContaining('goes up to Strava as Hike'),
    });
  });

  it('a rate-limited update is kept and said so, with the time; a refused one names the reason', () => {
    const pending = remapMessage('Hike', {
      kind: 'pending',
      code: 'strava_rate_limited',
      reason: 'Strava read budget is spent until 2026-11-02T09:15:00.000Z',
      retryAt: '2026-11-02T09:15:00.000Z',
    });
    expect(pending.kind).toBe('error');
    expect(pending.text).toContain('not updated yet (strava_rate_limited');
    expect(pending.text).toContain('kept and sent by the next sync or poll, not before 09:15 UTC');
    const refused = remapMessage('Hike', {
      kind: 'refused',
      code: 'strava_update_refused',
      reason: 'Strava has no activity 42 (deleted on Strava?)',
    });
    expect(refused).toEqual({
      kind: 'error',
      text: 'Sport re-mapped to Hike here, but the Strava activity was not changed (strava_update_refused: Strava has no activity 42 (deleted on Strava?)).',
    });
  });
});

describe('settings saved message', () => {
  it('counts what was updated, what waits and what Strava refused', () => {
    expect(savedMessage({ stravaUpdates: { updated: 0, pending: 0, refused: 0, retryAt: null } })).toEqual({
      kind: 'ok',
      text: 'Settings saved.',
    });
    expect(savedMessage({ stravaUpdates: { updated: 3, pending: 0, refused: 0, retryAt: null } })).toEqual({
      kind: 'ok',
      text: 'Settings saved. 3 Strava activities updated.',
    });
    const partly = savedMessage({
      stravaUpdates: { updated: 2, pending: 5, refused: 1, retryAt: '2026-11-02T09:30:00.000Z' },
    });
    expect(partly.kind).toBe('error');
    expect(partly.text).toContain('2 Strava activities updated.');
    expect(partly.text).toContain('5 Strava activities are not updated yet');
    expect(partly.text).toContain('not before 09:30 UTC');
    expect(partly.text).toContain('Strava refused the update of 1 activity');
  });
});
