// Serves the Strava simulator on loopback (port 0 = any free port).
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createStravaSimulator, type StravaSimulator, type StravaSimulatorOptions } from './app.js';

export interface RunningStravaSimulator extends StravaSimulator {
  /** Base URL for both the OAuth and the API paths, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startStravaSimulator(
  options: StravaSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningStravaSimulator> {
  const sim = createStravaSimulator(options);
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: sim.app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    ...sim,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        sim.releaseHangs();
        const s = server as unknown as { closeAllConnections?: () => void };
        server.close(() => resolve());
        s.closeAllConnections?.();
      }),
  };
}
