// Serves the Mi Fitness simulator on loopback (port 0 = a free port) for
// tests, `demo --source mi-fitness` and `bandsync simulate mi-fitness`.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createMiFitnessSimulator, type MiFitnessSimulator, type MiFitnessSimulatorOptions } from './app.js';

export interface RunningMiFitnessSimulator extends MiFitnessSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export function startMiFitnessSimulator(
  options: MiFitnessSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningMiFitnessSimulator> {
  const sim = createMiFitnessSimulator(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: sim.app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) => {
      resolve({
        ...sim,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            const s = server as unknown as { close(cb: (err?: Error) => void): void; closeAllConnections?: () => void };
            s.close((err) => (err ? fail(err) : done()));
            s.closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
