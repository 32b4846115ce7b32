// An HTTP client that speaks from a chosen loopback address (node:http's
// localAddress), so a test can be two different clients on one machine
// (127.0.0.1 and 127.0.0.2), and keeps its session cookie like a browser.
import http from 'node:http';

export interface PeerResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export class PeerClient {
  cookie = '';
  constructor(
    readonly base: string,
    readonly localAddress: string,
  ) {}

  request(
    method: string,
    pathname: string,
    options: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<PeerResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...options.headers };
      if (this.cookie) headers.cookie = this.cookie;
      if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
      const req = http.request(this.base + pathname, { method, headers, localAddress: this.localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const set = res.headers['set-cookie']?.[0];
          if (set) this.cookie = set.split(';')[0] ?? '';
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(options.body);
    });
  }

  get(pathname: string, headers: Record<string, string> = {}): Promise<PeerResponse> {
    return this.request('GET', pathname, { headers });
  }

  postForm(pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request('POST', pathname, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The login form's CSRF token (the visit also gives this client its session). */
  async loginToken(headers: Record<string, string> = {}): Promise<string> {
    const page = await this.get('/login', headers);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on /login (HTTP ${page.status})`);
    return token;
  }
}
