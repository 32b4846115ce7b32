// A cloud's answer is untrusted input (issue 14 item 1): a Zepp (or Mi Fitness)
// host that streams an endless body, or declares a huge one, meets the per-file
// budget and a clear error naming the answer and the limit; the client stops
// reading instead of filling the heap. Real HTTP on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readResponseText } from '../../src/archive/index.js';
import { createZeppClient } from '../../src/sources/zepp-cloud/client.js';
import { BandsyncError } from '../../src/sync/failures.js';

const MiB = 1024 * 1024;
let server: http.Server;
let base: string;
let sent = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/declared')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(512 * MiB) });
      res.write('{');
      return; // never sends the rest: the declared size alone is refused
    }
    // No length, a body that does not end: 64 KiB chunks until the client hangs up.
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    const pump = () => {
      while (!res.destroyed && sent < 1024 * MiB) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.write('{"code":1,"data":');
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('answers within the per-file budget', () => {
  it('an endless Zepp history answer stops at limits.fileBytes with the answer and the limit named', async () => {
    const client = createZeppClient({
      baseUrl: base,
      appToken: 'secret-app-token',
      allowOrigins: [base],
      limits: { fileBytes: 2 * MiB },
    });
    const error = await client.history(undefined).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BandsyncError);
    expect((error as BandsyncError).code).toBe('source_over_limit');
    expect((error as BandsyncError).message).toMatch(
      /^Zepp history: an answer of more than \d+ bytes is over the limit of 2 MiB \(limits\.fileBytes/,
    );
    expect((error as BandsyncError).message).not.toContain('secret-app-token');
    // It stopped reading: far less than the gigabyte the server would send went out.
    await new Promise((r) => setTimeout(r, 200));
    expect(sent).toBeLessThan(64 * MiB);
  });

  it('a declared length over the budget is refused before the body is read', async () => {
    const res = await fetch(`${base}/declared`);
    await expect(readResponseText(res, 'Mi Fitness detail file', 128 * MiB)).rejects.toThrow(
      /^Mi Fitness detail file: an answer of 536870912 bytes is over the limit of 128 MiB \(limits\.fileBytes/,
    );
  });

  it('an answer within the budget is read whole', async () => {
    const small = http.createServer((_req, res) => res.end('{"ok":"é"}'));
    await new Promise<void>((r) => small.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(small.address() as AddressInfo).port}/`);
    expect(await readResponseText(res, 'test', 1024)).toBe('{"ok":"é"}');
    await new Promise<void>((r) => small.close(() => r()));
  });
});
