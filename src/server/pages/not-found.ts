// The site's own 404 page: where to go instead of a bare "404 Not Found".
import type { Hono } from 'hono';
import type { AppEnv } from '../security.js';
import { html, type Html } from '../views/html.js';
import { render, type Ctx } from './render.js';

export function notFoundPage(c: Ctx, what = 'page'): Response {
  // Static files and JSON have no session or page around them.
  if (!c.get('session') || c.req.path.startsWith('/assets/') || c.req.path.endsWith('.json'))
    return c.text('Not found.', 404);
  return render(
    c,
    { title: 'Not found', active: 'none' },
    html`<h1>No such ${what}</h1>
<p>Nothing lives at <code>${c.req.path}</code>. It may have been removed, or the address is mistyped.</p>
<ul><li><a href="/">Overview</a></li><li><a href="/workouts">All workouts</a></li></ul>` as Html,
    404,
  );
}

export function registerNotFound(app: Hono<AppEnv>): void {
  app.notFound((c) => notFoundPage(c));
}
