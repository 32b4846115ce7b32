import { describe, expect, it } from 'vitest';
import { planBatch, sameExternalId, windows, type Candidate } from './plan.js';
import type { RemoteActivity } from './ports.js';

const cand = (over: Partial<Candidate> = {}): Candidate => ({
  workoutId: 'w1',
  externalId: 'bandsync-zepp-cloud-1-abc',
  startTime: '2024-05-01T06:00:00Z',
  elapsedSeconds: 3600,
  sport: 'running',
  ...over,
});
const remote = (over: Partial<RemoteActivity> = {}): RemoteActivity => ({
  id: 'a1',
  externalId: null,
  uploadId: null,
  startTime: '2024-05-03T12:00:00Z',
  elapsedSeconds: 3600,
  sportType: 'Run',
  ...over,
});

describe('planBatch', () => {
  it('uploads when nothing on Strava matches', () => {
    expect(planBatch([cand()], [remote()])[0]).toMatchObject({ action: 'upload' });
  });

  it('matches our external_id even with the extension Strava appends', () => {
    expect(sameExternalId('bandsync-zepp-cloud-1-abc.fit', 'bandsync-zepp-cloud-1-abc')).toBe(true);
    expect(sameExternalId('bandsync-zepp-cloud-1-abd.fit', 'bandsync-zepp-cloud-1-abc')).toBe(false);
    const d = planBatch(
      [cand()],
      [remote({ externalId: 'bandsync-zepp-cloud-1-abc.fit', startTime: '2020-01-01T00:00:00Z' })],
    );
    expect(d[0]).toMatchObject({ action: 'duplicate', activityId: 'a1' });
  });

  it('treats a start within ±3 min and a compatible sport as a duplicate, but not 3 min 1 s away', () => {
    expect(planBatch([cand()], [remote({ startTime: '2024-05-01T06:03:00Z' })])[0]!.action).toBe('duplicate');
    expect(planBatch([cand()], [remote({ startTime: '2024-05-01T05:57:00Z' })])[0]!.action).toBe('duplicate');
    expect(planBatch([cand()], [remote({ startTime: '2024-05-01T06:03:01Z' })])[0]!.action).toBe('upload');
  });

  it('never takes one of our own uploads whole hours away for a shifted twin (short walks an hour apart)', () => {
    const earlierWalk = remote({ externalId: 'bandsync-zepp-cloud-2-def.fit', startTime: '2024-05-01T05:00:00Z' });
    expect(planBatch([cand()], [earlierWalk])[0]!.action).toBe('upload');
    // Within ±3 min it is still the same workout, whoever uploaded it (another source of the same band).
    expect(planBatch([cand()], [{ ...earlierWalk, startTime: '2024-05-01T06:01:00Z' }])[0]!.action).toBe('duplicate');
  });

  it('catches timezone mistakes at whole-hour offsets when the length agrees', () => {
    const shifted = remote({ startTime: '2024-05-01T08:01:00Z' });
    const d = planBatch([cand()], [shifted])[0]!;
    expect(d.action).toBe('duplicate');
    expect(d.reason).toContain('2 h');
    // same shifted start but a much shorter activity: a different workout
    expect(planBatch([cand()], [{ ...shifted, elapsedSeconds: 900 }])[0]!.action).toBe('upload');
  });

  it('does not match an incompatible sport at the same time', () => {
    expect(planBatch([cand()], [remote({ startTime: '2024-05-01T06:00:00Z', sportType: 'Ride' })])[0]!.action).toBe(
      'upload',
    );
  });

  it('lets one Strava activity absorb only one workout', () => {
    const d = planBatch(
      [cand(), cand({ workoutId: 'w2', externalId: 'x2', startTime: '2024-05-01T06:01:00Z' })],
      [remote({ startTime: '2024-05-01T06:00:30Z' })],
    );
    expect(d.map((x) => x.action)).toEqual(['duplicate', 'upload']);
  });

  it('skips by rule and holds uploads already sent', () => {
    expect(planBatch([cand({ skipReason: 'rule: skip yoga' })], [])[0]).toMatchObject({
      action: 'skip',
      reason: 'rule: skip yoga',
    });
    expect(planBatch([cand({ uploadSent: true })], [])[0]!.action).toBe('hold');
  });
});

describe('windows', () => {
  it('cuts sorted items into windows of at most N, padded to catch shifted twins', () => {
    const items = Array.from({ length: 450 }, (_, i) => ({
      startTime: new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString(),
    }));
    const ws = windows(items, 200);
    expect(ws.map((w) => w.items.length)).toEqual([200, 200, 50]);
    expect(Date.parse(ws[0]!.after)).toBeLessThan(Date.parse(items[0]!.startTime) - 13 * 3600_000);
    expect(Date.parse(ws[0]!.before)).toBeGreaterThan(Date.parse(items[199]!.startTime) + 13 * 3600_000);
  });
});
