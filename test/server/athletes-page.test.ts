// The administrator's Athletes page (issue 18) against a real store with two
// athletes: each athlete's accounts and workouts per state, counted from the
// rows this test wrote; the Strava connection shown without the name Strava
// gave (its label), and the overview pointing to the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athleteOverviews } from '../../src/app/athletes.js';
import { Client, startHarness, type Harness } from './harness.js';
import { makeWorkout } from '../store/helpers.js';

let h: Harness;
let c: Client;

beforeAll(async () => {
  h = await startHarness({ athletes: () => athleteOverviews({ athletes: h.opened.athletes }) });
  c = new Client(h.url);
  await c.csrf();
}, 60_000);
afterAll(() => h?.close());

const section = (page: string, name: string) => {
  const m = new RegExp(`<section class="card athlete" id="athlete-${name}"[\\s\\S]*?</section>`).exec(page);
  if (!m) throw new Error(`no section for ${name} in\n${page}`);
  return m[0];
};

describe('Athletes page', () => {
  it('says there are none yet on a new instance', async () => {
    const page = await (await c.get('/athletes')).text();
    expect(page).toContain('No athletes yet');
  });

  it("shows each athlete's accounts and workouts per state, and no name read from Strava", async () => {
    const ann = h.opened.athletes.scoped((await h.opened.athletes.add('ann')).id);
    const bob = h.opened.athletes.scoped((await h.opened.athletes.add('bob')).id);
    await ann.saveAccount({ kind: 'strava', label: 'Strava athlete 77 (Annette)', settings: {} });
    const files = await ann.saveAccount({ kind: 'files', label: 'Folder /srv/ann', settings: { path: '/srv/ann' } });
    await bob.saveAccount({ kind: 'zepp-cloud', label: 'Zepp (bob@example.com)', settings: {} });
    for (let i = 0; i < 3; i++) {
      const w = await ann.saveWorkout(files.id, makeWorkout(`ann-${i}`, `2026-03-0${i + 1}T07:00:00.000Z`));
      await ann.ensureRecord(w.id, 'strava', `bandsync-${w.id}`);
      if (i === 0)
        await ann.transition({
          workoutId: w.id,
          destination: 'strava',
          from: ['discovered'],
          to: 'skipped',
          reason: 'test',
        });
    }

    const res = await c.get('/athletes');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toContain('Annette');
    const annSection = section(page, 'ann');
    expect(annSection).toContain('Folder /srv/ann');
    expect(annSection).toMatch(/<td class="lead">Strava<\/td>/);
    // 2 discovered, 1 skipped, 3 in all.
    expect([...annSection.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual([2, 1, 3]);
    const bobSection = section(page, 'bob');
    expect(bobSection).toContain('Zepp (bob@example.com)');
    expect(bobSection).not.toContain('Folder /srv/ann');
    expect([...bobSection.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]))).toEqual([0]);

    const overview = await (await c.get('/')).text();
    expect(overview).toContain('<a href="/athletes">');
    expect(overview).not.toContain('Annette');
  });
});
