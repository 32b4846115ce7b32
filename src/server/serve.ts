// Binds the dashboard to a port. Loopback by default; any other address
// exposes the dashboard to the network, so it is refused without a password.
import { serve, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../loopback.js';

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  /** Whether the app was created with a dashboard password (security.password). */
  readonly passwordConfigured: boolean;
}

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Anything with Hono's fetch handler (a Hono app of any Env). */
export interface FetchApp {
  fetch(request: Request, env: HttpBindings | Http2Bindings): Response | Promise<Response>;
}

export async function serveApp(app: FetchApp, options: ServeOptions): Promise<Served> {
  if (!isLoopbackHost(options.host) && !options.passwordConfigured) {
    throw new Error(
      `Refusing to serve the dashboard on ${options.host}: binding to a non-loopback address needs a dashboard password (set one, or use --host 127.0.0.1).`,
    );
  }
  return new Promise((resolve, reject) => {
    const server = serve(
      // The bindings carry the socket, so getConnInfo() sees each client's own address.
      {
        fetch: (req: Request, env: HttpBindings | Http2Bindings) => app.fetch(req, env),
        port: options.port,
        hostname: options.host,
      },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}/`,
          close: () =>
            new Promise<void>((done, fail) => {
              // SSE streams stay open; cut them so close() finishes.
              (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
              server.close((err) => (err ? fail(err) : done()));
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
