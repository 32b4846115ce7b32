// Shared check: no request URL the simulator saw carries the client secret or
// any token it issued, and no error message does either.
import { expect } from 'vitest';
import type { RunningStravaSimulator } from '../../src/simulators/strava/index.js';

export function expectNoSecrets(sim: RunningStravaSimulator, messages: readonly string[] = []): void {
  const secrets = [sim.credentials.clientSecret, ...sim.control.issuedTokens()];
  expect(secrets.length).toBeGreaterThan(1);
  const urls = sim.control.requests().map((r) => r.url);
  expect(urls.length).toBeGreaterThan(0);
  for (const text of [...urls, ...messages]) {
    for (const s of secrets) expect(text.includes(s), `secret leaked into: ${text}`).toBe(false);
  }
}
