// The log page against a real store: the ledger of every workout and account,
// newest first, paged without gaps or repeats, filtered by event and by
// account (the expected rows are the ones this test wrote, not the page's own count).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_PAGE_SIZE } from '../../src/server/pages/log.js';
import { Client, startHarness, type Harness } from './harness.js';
import { seedAccounts } from './seed.js';

let h: Harness;
let c: Client;
const written: { reason: string; event: string; accountId: string }[] = [];

beforeAll(async () => {
  h = await startHarness();
  const { zepp, strava } = await seedAccounts(h.opened.store);
  for (let i = 0; i < 230; i++) {
    const event = i % 3 === 0 ? 'decision' : i % 3 === 1 ? 'transition' : 'poll';
    const accountId = i % 2 ? zepp.id : strava.id;
    const reason = `entry number ${i}`;
    await h.opened.store.appendLedger({
      workoutId: null,
      accountId,
      event,
      fromState: event === 'transition' ? 'processing' : null,
      toState: event === 'transition' ? 'synced' : null,
      reason,
      data: null,
    });
    written.push({ reason, event, accountId });
  }
  c = new Client(h.url);
  await c.csrf();
}, 60_000);
afterAll(() => h?.close());

const reasons = (page: string) =>
  [...page.matchAll(/<td class="lead-reason">([^<]*)<\/td>/g)].map((m) => m[1] as string);

async function walk(start: string): Promise<{ seen: string[]; pages: number; first: string }> {
  const seen: string[] = [];
  let next: string | null = start;
  let pages = 0;
  let first = '';
  while (next) {
    const res = await c.get(next);
    expect(res.status).toBe(200);
    const body = await res.text();
    if (!first) first = body;
    seen.push(...reasons(body));
    pages++;
    next = /<a rel="next" href="([^"]+)"/.exec(body)?.[1]?.replace(/&amp;/g, '&') ?? null;
  }
  return { seen, pages, first };
}

describe('log page', () => {
  it('lists the whole ledger newest first, page by page, each entry once', async () => {
    const all = await walk('/log');
    const expected = written.map((w) => w.reason).reverse();
    expect(all.seen).toEqual(expected);
    expect(all.pages).toBe(Math.ceil(written.length / LOG_PAGE_SIZE));
    expect(all.first).toContain(`1–${LOG_PAGE_SIZE} of <strong>230</strong> entries`);
    expect(all.first).toContain('Strava is processing → On Strava'); // states in words
    expect(all.first).toMatch(/<a href="\/log" aria-current="page">Log<\/a>/);
  });

  it('filters by event and by account, and by both', async () => {
    const accounts = await h.opened.store.listAccounts();
    const zepp = accounts.find((a) => a.kind === 'zepp-cloud')!;
    const byEvent = await walk('/log?event=decision');
    expect(byEvent.seen).toEqual(
      written
        .filter((w) => w.event === 'decision')
        .map((w) => w.reason)
        .reverse(),
    );
    const byAccount = await walk(`/log?account=${zepp.id}`);
    expect(byAccount.seen).toEqual(
      written
        .filter((w) => w.accountId === zepp.id)
        .map((w) => w.reason)
        .reverse(),
    );
    expect(byAccount.first).toContain('Zepp ana@example.org (Zepp cloud)');
    const both = await walk(`/log?event=poll&account=${zepp.id}`);
    expect(both.seen).toEqual(
      written
        .filter((w) => w.event === 'poll' && w.accountId === zepp.id)
        .map((w) => w.reason)
        .reverse(),
    );
    const none = await (await c.get('/log?event=no-such-event')).text();
    expect(none).toContain('Nothing in the log matches these filters');
  });

  it('offers the stored events in its filter', async () => {
    const body = await (await c.get('/log')).text();
    const options = [...body.matchAll(/<select name="event">(.*?)<\/select>/gs)][0]?.[1] ?? '';
    expect([...options.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1])).toEqual([
      '',
      'decision',
      'poll',
      'transition',
    ]);
  });
});
