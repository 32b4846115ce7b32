// Pending invites through the real CLI (issue 18): `bandsync athlete invites`
// lists the dashboard's invite links not yet used or expired (for whom, until
// when; never the link or its hash), `athlete revoke-invite NAME` revokes
// them: the link stops working at once, the athlete and other invites stay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/compose.js';
import { silentLogger } from '../../src/observability/index.js';
import { hashSecret, inviteAthlete, invitedAthlete } from '../../src/app/invites.js';
import { jsonOf, runCli } from '../helpers/cli.js';

describe('bandsync athlete invites / revoke-invite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bandsync-invites-cli-'));
  const env = { BANDSYNC_DATA_DIR: dir };
  const open = () => openApp({ env, logger: silentLogger });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists pending invites without secrets and revokes one athlete’s', async () => {
    const app = await open();
    let dan: string, eve: string;
    try {
      dan = (await inviteAthlete(app, 'dan')).token;
      eve = (await inviteAthlete(app, 'eve')).token;
    } finally {
      await app.close();
    }

    const listed = await runCli(['athlete', 'invites'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^dan {2}made \S+, valid until \S+$/m);
    expect(listed.stdout).toMatch(/^eve {2}made /m);
    for (const secret of [dan, eve, hashSecret(dan), hashSecret(eve)]) expect(listed.stdout).not.toContain(secret);
    const json = await runCli(['athlete', 'invites', '--json'], env);
    expect((jsonOf(json) as unknown as Record<string, string>[]).map((i) => Object.keys(i).sort())).toEqual([
      ['createdAt', 'expiresAt', 'name'],
      ['createdAt', 'expiresAt', 'name'],
    ]);

    const revoked = await runCli(['athlete', 'revoke-invite', 'dan'], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('Revoked the invite for dan: its link no longer works.');
    const after = await runCli(['athlete', 'invites'], env);
    expect(after.stdout).not.toContain('dan');
    expect(after.stdout).toContain('eve');

    const again = await runCli(['athlete', 'revoke-invite', 'dan'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('dan has no pending invite');
    const unknown = await runCli(['athlete', 'revoke-invite', 'zed'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no athlete named "zed"');

    // dan's link no longer signs anyone in; eve's still does; dan is still an athlete.
    const reopened = await open();
    try {
      expect(await invitedAthlete(reopened, dan)).toBeNull();
      expect((await invitedAthlete(reopened, eve))?.name).toBe('eve');
      expect(await reopened.athletes.byName('dan')).not.toBeNull();
    } finally {
      await reopened.close();
    }
  }, 120_000);
});
