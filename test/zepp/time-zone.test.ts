// F11: the cloud gives UTC only; the local offset comes from the configured
// zone, DST-aware. Expected offsets are the published rules of those zones.
import { describe, expect, it } from 'vitest';
import { utcOffsetSeconds } from '../../src/sources/zepp-cloud/source.js';

describe('utcOffsetSeconds', () => {
  it.each([
    ['2023-10-29T00:30:00Z', 'Europe/Paris', 7200], // CEST, before the 01:00 UTC switch
    ['2023-10-29T08:45:16Z', 'Europe/Paris', 3600], // the real run, after the switch to CET
    ['2024-07-01T12:00:00Z', 'America/Denver', -6 * 3600],
    ['2024-01-01T12:00:00Z', 'Asia/Kolkata', 19800],
    ['2024-01-01T12:00:00Z', 'UTC', 0],
  ])('%s in %s → %i', (iso, zone, offset) => {
    expect(utcOffsetSeconds(Date.parse(iso), zone)).toBe(offset);
  });

  it('an unknown zone falls back to 0 instead of throwing', () => {
    expect(utcOffsetSeconds(Date.parse('2024-01-01T00:00:00Z'), 'Mars/Olympus')).toBe(0);
  });
});
