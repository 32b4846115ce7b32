// Shared page plumbing: render inside the layout with the session's CSRF
// token and pending flash; set a flash and redirect after a POST.
import type { Context } from 'hono';
import type { AppEnv } from '../security.js';
import { layout, type LayoutProps } from '../views/layout.js';
import type { Html } from '../views/html.js';

export type Ctx = Context<AppEnv>;

export function render(
  c: Ctx,
  props: Omit<LayoutProps, 'csrf' | 'flash' | 'loggedIn' | 'switcher'>,
  body: Html,
  status: 200 | 400 | 404 | 500 = 200,
): Response {
  const session = c.get('session');
  const flash = session.flash ?? null;
  session.flash = null;
  c.header('Cache-Control', 'no-store');
  const view = c.get('view');
  const switcher = view?.athletes.length
    ? { athletes: view.athletes, current: view.athleteId ?? '', back: c.req.path }
    : null;
  return c.html(
    layout({ ...props, csrf: session.csrf, flash, loggedIn: c.get('loginRequired'), switcher }, body),
    status,
  );
}

export function redirectWith(c: Ctx, to: string, kind: 'ok' | 'error', text: string): Response {
  c.get('session').flash = { kind, text };
  return c.redirect(to, 303);
}

/** The message of an engine error, which DashboardEngine promises is safe to show. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function formString(c: Ctx, name: string): Promise<string> {
  const body = await c.req.parseBody();
  const v = body[name];
  return typeof v === 'string' ? v.trim() : '';
}
