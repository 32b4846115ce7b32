// One answer to "is this address this machine only?" everywhere: all of
// 127.0.0.0/8, ::1 and localhost. `--host 127.0.0.2` used to pass the bind
// check but make the daemon call itself remote and refuse to start without a
// password.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { startDaemon } from '../../src/daemon.js';
import { hostHeaderName, isLoopbackHost, loopbackUrl, reachableHost } from '../../src/loopback.js';
import { silentLogger } from '../../src/observability/index.js';

describe('loopback addresses', () => {
  it('are 127.0.0.0/8, ::1 and localhost, nothing else', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', 'localhost', 'LOCALHOST'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '192.168.1.5',
      '128.0.0.1',
      'localhost.example.com',
      '127.0.0.1.nip.io',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('reads the host of a Host header without port or brackets', () => {
    expect(hostHeaderName('127.0.0.2:8377')).toBe('127.0.0.2');
    expect(hostHeaderName('[::1]:8377')).toBe('::1');
    expect(hostHeaderName('Evil.example:80')).toBe('evil.example');
  });

  it('turns a wildcard bind address into loopback', () => {
    expect(reachableHost('0.0.0.0')).toBe('127.0.0.1');
    expect(reachableHost('::')).toBe('::1');
    expect(loopbackUrl('http://0.0.0.0:8080/')).toBe('http://127.0.0.1:8080/');
    expect(loopbackUrl('http://[::]:8080/')).toBe('http://[::1]:8080/');
    expect(loopbackUrl('http://192.168.1.5:8080/')).toBe('http://192.168.1.5:8080/');
  });

  it('the daemon serves on 127.0.0.2 without a password, and answers a Host of 127.0.0.2', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bandsync-loopback-'));
    const app = await openApp({ env: {}, logger: silentLogger, flags: { dataDir } });
    try {
      const daemon = await startDaemon(app, { host: '127.0.0.2', port: 0, work: false });
      try {
        expect(daemon.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/$/);
        const page = await fetch(new URL('/', daemon.url!));
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('bandsync');
      } finally {
        await daemon.close();
      }
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
