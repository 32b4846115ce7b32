import { describe, expect, it } from 'vitest';
import { renderMetrics, type MetricsSnapshot } from '../../src/observability/metrics.js';
import { parsePrometheusText, type MetricFamily } from './prom-text-parser.js';

const snapshot: MetricsSnapshot = {
  workoutsByState: { synced: 412, failed: 3, needs_user: 1, duplicate: 7, discovered: 0 },
  uploadsTotal: 415,
  failuresByCode: { strava_unavailable: 2, zepp_payload_invalid: 1 },
  stravaBudget: {
    overall: { limit15: 200, usage15: 37, limitDay: 2000, usageDay: 512 },
    read: { limit15: 100, usage15: 5, limitDay: 1000, usageDay: 60 },
    windowEndsAt: '2026-03-01T10:15:00.000Z',
    dayEndsAt: '2026-03-02T00:00:00.000Z',
    blockedUntil: null,
    updatedAt: '2026-03-01T10:07:00.000Z',
  },
  sourcePolls: [
    {
      accountId: 'acc "home"\\1',
      kind: 'zepp-cloud',
      lastLatencySeconds: 1.25,
      lastPollAt: '2026-03-01T10:00:00.000Z',
      ok: true,
    },
    { accountId: 'gb\nexport', kind: 'gadgetbridge', lastLatencySeconds: 0.5, lastPollAt: null, ok: false },
  ],
  queues: { upload: { depth: 4, oldestAgeSeconds: 93.5 }, poll: { depth: 0, oldestAgeSeconds: 0 } },
  process: { uptimeSeconds: 3600, residentMemoryBytes: 123456789, heapUsedBytes: 45678901 },
};

function value(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const fam = families.find((f) => f.name === name);
  return fam?.samples.find(
    (s) =>
      Object.keys(labels).length === Object.keys(s.labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

describe('renderMetrics', () => {
  const text = renderMetrics(snapshot);
  const families = parsePrometheusText(text);

  it('is valid exposition format with HELP and TYPE for every family', () => {
    for (const f of families) {
      expect(f.help, f.name).toBeTruthy();
      expect(['counter', 'gauge']).toContain(f.type);
      if (f.type === 'counter') expect(f.name).toMatch(/_total$/);
    }
  });

  it('carries workouts by state and failures by code', () => {
    for (const [state, n] of Object.entries(snapshot.workoutsByState))
      expect(value(families, 'bandsync_workouts', { state })).toBe(n);
    expect(value(families, 'bandsync_failures_total', { code: 'strava_unavailable' })).toBe(2);
    expect(value(families, 'bandsync_uploads_total')).toBe(415);
  });

  it('reports the Strava budget used and left per window', () => {
    expect(value(families, 'bandsync_strava_requests_used', { kind: 'overall', window: '15m' })).toBe(37);
    expect(value(families, 'bandsync_strava_requests_left', { kind: 'overall', window: '15m' })).toBe(200 - 37);
    expect(value(families, 'bandsync_strava_requests_left', { kind: 'overall', window: 'day' })).toBe(2000 - 512);
    expect(value(families, 'bandsync_strava_requests_left', { kind: 'read', window: 'day' })).toBe(1000 - 60);
    expect(value(families, 'bandsync_strava_blocked')).toBe(0);
  });

  it('escapes label values so any account id round-trips', () => {
    expect(
      value(families, 'bandsync_source_poll_latency_seconds', { account: 'acc "home"\\1', kind: 'zepp-cloud' }),
    ).toBe(1.25);
    expect(value(families, 'bandsync_source_up', { account: 'gb\nexport', kind: 'gadgetbridge' })).toBe(0);
    expect(
      value(families, 'bandsync_source_last_poll_timestamp_seconds', { account: 'acc "home"\\1', kind: 'zepp-cloud' }),
    ).toBe(Date.UTC(2026, 2, 1, 10) / 1000);
  });

  it('reports queue depth and age', () => {
    expect(value(families, 'bandsync_queue_depth', { queue: 'upload' })).toBe(4);
    expect(value(families, 'bandsync_queue_oldest_job_age_seconds', { queue: 'upload' })).toBe(93.5);
  });

  it('renders an empty snapshot (no budget yet, no sources) validly', () => {
    const empty = parsePrometheusText(
      renderMetrics({
        workoutsByState: {},
        uploadsTotal: 0,
        failuresByCode: {},
        stravaBudget: null,
        sourcePolls: [],
        queues: {},
      }),
    );
    expect(empty.find((f) => f.name === 'bandsync_strava_requests_left')).toBeUndefined();
    expect(value(empty, 'bandsync_uploads_total')).toBe(0);
  });

  it('the parser rejects what a scraper would', () => {
    expect(() => parsePrometheusText('a{b="c} 1\n')).toThrow();
    expect(() => parsePrometheusText('# TYPE a counter\na -1\n')).toThrow();
    expect(() => parsePrometheusText('a 1\nb 1\na 2\n')).toThrow(/contiguous|outside/);
    expect(() => parsePrometheusText('a{x="1"} 1\na{x="1"} 2\n')).toThrow(/duplicate/);
    expect(() => parsePrometheusText('a 1')).toThrow(/line feed/);
  });
});
