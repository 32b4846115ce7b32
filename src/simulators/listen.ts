// Serves a simulator's Hono app on loopback (port 0 = a free port): the one
// way the Zepp, Mi Fitness and Strava simulators listen and stop, for tests,
// `demo` and `bandsync simulate`.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

export interface ListenOptions {
  readonly port?: number;
  readonly host?: string;
}

export interface Listening {
  /** e.g. http://127.0.0.1:40123 (an IPv6 host in brackets). */
  readonly url: string;
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

export function listen(fetch: (request: Request) => Response | Promise<Response>, options: ListenOptions = {}) {
  const host = options.host ?? '127.0.0.1';
  return new Promise<Listening>((resolve, reject) => {
    const server = serve({ fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) =>
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            const s = server as unknown as { close(cb: (err?: Error) => void): void; closeAllConnections?: () => void };
            s.close((err) => (err ? fail(err) : done()));
            s.closeAllConnections?.();
          }),
      }),
    );
    server.once('error', reject);
  });
}
