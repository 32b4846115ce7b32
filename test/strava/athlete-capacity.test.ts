// An application's athlete capacity (issue 18 item 5): Strava answers 403
// "Limit of connected athletes exceeded" when one more athlete connects a
// full application. Through the real OAuth client and the simulator on
// loopback: the first athlete connects, the second gets a message saying
// what the administrator can do; once the first revokes, the second can.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deauthorize, refreshTokens } from '../../src/strava/oauth.js';
import { startStravaSimulator } from '../../src/simulators/strava/index.js';

describe('Strava athlete capacity', () => {
  let sim: Awaited<ReturnType<typeof startStravaSimulator>>;
  beforeAll(async () => {
    sim = await startStravaSimulator({ athleteCapacity: 1 });
  });
  afterAll(() => sim?.close());

  const refresh = (refreshToken: string) =>
    refreshTokens({
      baseUrl: sim.url,
      clientId: sim.credentials.clientId,
      clientSecret: sim.credentials.clientSecret,
      refreshToken,
    });

  it('lets the first athlete connect and refuses the second with what to do', async () => {
    const first = await refresh(sim.control.issueRefreshToken(undefined, 501));
    expect(first.accessToken).toBeTruthy();
    const second = refresh(sim.control.issueRefreshToken(undefined, 502));
    await expect(second).rejects.toMatchObject({ code: 'strava_not_connected' });
    await expect(second).rejects.toThrow(
      /reached its limit of connected athletes \(1 for a new application, 10 on the Standard tier.*bandsync athlete remove NAME/,
    );
    // The first athlete's own refresh still works: they are already connected.
    expect((await refresh(first.refreshToken)).accessToken).toBeTruthy();

    await deauthorize({ baseUrl: sim.url, accessToken: first.accessToken });
    expect((await refresh(sim.control.issueRefreshToken(undefined, 502))).accessToken).toBeTruthy();
  });
});
