// The local half of Strava's browser OAuth flow: a one-shot loopback server
// that receives the redirect, checks `state`, and hands back code + scope.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface CallbackResult {
  code: string;
  scope: string | undefined;
}

export async function waitForOAuthCallback(
  authorizeUrl: (redirectUri: string, state: string) => string,
  onUrl: (url: string) => void,
  options: { timeoutMs?: number; port?: number } = {},
): Promise<CallbackResult> {
  const state = randomBytes(16).toString('hex');
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== '/callback') {
        res.writeHead(404).end();
        return;
      }
      const finish = (status: number, text: string, outcome: () => void) => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
        clearTimeout(timer);
        server.close();
        outcome();
      };
      if (url.searchParams.get('state') !== state)
        return finish(400, 'State mismatch: this is not the login bandsync started. Start again.', () =>
          reject(new Error('OAuth state mismatch: the callback did not come from the login bandsync started')),
        );
      const error = url.searchParams.get('error');
      if (error)
        return finish(400, `Strava said: ${error}`, () =>
          reject(new Error(`Strava authorization was refused (${error})`)),
        );
      const code = url.searchParams.get('code');
      if (!code) return finish(400, 'No code in the callback.', () => reject(new Error('Strava callback had no code')));
      finish(200, 'bandsync is connected to Strava. You can close this tab.', () =>
        resolve({ code, scope: url.searchParams.get('scope') ?? undefined }),
      );
    });
    const timer = setTimeout(() => {
      server.close();
      reject(new Error('Timed out waiting for the Strava login (5 minutes)'));
    }, options.timeoutMs ?? 300_000);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      onUrl(authorizeUrl(`http://127.0.0.1:${port}/callback`, state));
    });
  });
}
