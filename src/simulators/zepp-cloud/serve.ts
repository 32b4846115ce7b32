// Serves the simulator on loopback (port 0 = a free port) for tests, `demo`
// and `bandsync simulate zepp`.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createZeppSimulator, type ZeppSimulator, type ZeppSimulatorOptions } from './app.js';

export interface RunningZeppSimulator extends ZeppSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export function startZeppSimulator(
  options: ZeppSimulatorOptions & { port?: number; host?: string } = {},
): Promise<RunningZeppSimulator> {
  const sim = createZeppSimulator(options);
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: sim.app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) => {
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`;
      resolve({
        ...sim,
        url,
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
