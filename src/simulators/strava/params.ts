// Strava accepts parameters in the query, a form body or a JSON body.
import type { Context } from 'hono';

export async function readParams(c: Context): Promise<Record<string, string>> {
  const out: Record<string, string> = Object.fromEntries(new URL(c.req.url).searchParams);
  const type = c.req.header('content-type') ?? '';
  if (type.includes('application/json')) {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body ?? {})) if (v !== null && v !== undefined) out[k] = String(v);
  } else if (type.includes('form')) {
    const body = await c.req.parseBody();
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

export function bearer(c: Context): string | null {
  const h = c.req.header('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? (m[1] ?? null) : null;
}

export function truthy(v: string | undefined): boolean {
  return v === '1' || v === 'true';
}
