// /api/v3: athlete, uploads (async processing, duplicates), activity listing,
// activity detail/update, manual activities. Bearer auth with scope checks.
import type { Context, Hono } from 'hono';
import { bearer, readParams, truthy } from './params.js';
import { applyUpdate } from './updatable.js';
import { ATHLETE, STATUS, type SimState } from './state.js';
import { detailedJson, fault, summaryJson, uploadJson } from './views.js';

const DATA_TYPES = ['fit', 'fit.gz', 'tcx', 'tcx.gz', 'gpx', 'gpx.gz'];

export function registerApi(app: Hono, state: SimState): void {
  /** The token's scopes, or a 401 response exactly like Strava's. */
  function auth(c: Context, needs?: readonly string[]): { athleteId: number; scopes: string[] } | Response {
    const rec = state.authenticate(bearer(c));
    if (!rec) return c.json(fault('Authorization Error', 'Athlete', 'access_token', 'invalid'), 401);
    if (needs && !needs.some((s) => rec.scopes.includes(s))) {
      return c.json(fault('Authorization Error', 'AccessToken', `${needs[0]}_permission`, 'missing'), 401);
    }
    return rec;
  }

  app.get('/api/v3/athlete', (c) => {
    const a = auth(c);
    if (a instanceof Response) return a;
    // The token's own athlete: several athletes may have authorized the one application.
    const other =
      a.athleteId === ATHLETE.id ? {} : { id: a.athleteId, firstname: 'Athlete', lastname: String(a.athleteId) };
    return c.json({ ...ATHLETE, ...other, resource_state: 3 });
  });

  app.post('/api/v3/uploads', async (c) => {
    const a = auth(c, ['activity:write']);
    if (a instanceof Response) return a;
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) return c.json(fault('Bad Request', 'Upload', 'data', 'empty'), 400);
    const dataType = String(body.data_type ?? '').toLowerCase();
    if (!DATA_TYPES.includes(dataType)) return c.json(fault('Bad Request', 'Upload', 'data_type', 'invalid'), 400);
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (dataType.endsWith('.gz') && !(bytes[0] === 0x1f && bytes[1] === 0x8b)) {
      return c.json(fault('Bad Request', 'upload', 'gzip', 'invalid encoding'), 400);
    }
    const str = (k: string): string | null =>
      typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : null;
    const upload = state.addUpload({
      athleteId: a.athleteId,
      externalId: str('external_id'),
      fileName: file.name || `upload.${dataType}`,
      dataType,
      bytes,
      name: str('name'),
      description: str('description'),
      sportType: str('sport_type'),
      trainer: truthy(str('trainer') ?? undefined),
      commute: truthy(str('commute') ?? undefined),
      hideFromHome: truthy(str('hide_from_home') ?? undefined),
    });
    if (state.duplicateAtSubmission && upload.summary) {
      const dup = state.findDuplicate(a.athleteId, state.storedExternalId(upload), upload.summary.startMs);
      if (dup) {
        upload.status = STATUS.error;
        upload.error = `${state.storedExternalId(upload)} duplicate of activity ${dup.id}`;
        return c.json(uploadJson(upload), 400);
      }
    }
    return c.json(uploadJson(upload), 201);
  });

  app.get('/api/v3/uploads/:id', (c) => {
    const a = auth(c, ['activity:write']);
    if (a instanceof Response) return a;
    // Another athlete's upload is not found, as on Strava.
    const u = state.uploads.find((x) => String(x.uploadId) === c.req.param('id') && x.athleteId === a.athleteId);
    if (!u) return c.json(fault('Record Not Found', 'Upload', 'id', 'invalid'), 404);
    state.poll(u);
    return c.json(uploadJson(u));
  });

  app.get('/api/v3/athlete/activities', (c) => {
    const a = auth(c, ['activity:read', 'activity:read_all']);
    if (a instanceof Response) return a;
    const q = new URL(c.req.url).searchParams;
    const int = (name: string): number | null | 'bad' => {
      const v = q.get(name);
      if (v === null || v === '') return null;
      return /^\d+$/.test(v) ? Number(v) : 'bad';
    };
    const after = int('after');
    const before = int('before');
    const page = int('page') ?? 1;
    const perPage = int('per_page') ?? 30;
    for (const [field, v] of [
      ['after', after],
      ['before', before],
      ['page', page],
      ['per_page', perPage],
    ] as const) {
      if (v === 'bad') return c.json(fault('Bad Request', 'Application', field, 'invalid'), 400);
    }
    // Milliseconds instead of seconds: Strava answers "future".
    if (typeof after === 'number' && after > 1e11)
      return c.json(fault('Bad Request', 'Application', 'after', 'future'), 400);
    const size = Math.min(200, Math.max(1, perPage as number));
    const list = state.activities.filter((x) => {
      if (x.athleteId !== a.athleteId) return false; // the athlete's own activities only
      const s = Math.floor(x.startMs / 1000);
      return (after === null || s > (after as number)) && (before === null || s < (before as number));
    });
    // Newest first, except with only `after`, where Strava is believed to go oldest first.
    const ascending = after !== null && before === null;
    list.sort((x, y) => (ascending ? x.startMs - y.startMs : y.startMs - x.startMs));
    const start = ((page as number) - 1) * size;
    return c.json(list.slice(start, start + size).map(summaryJson));
  });

  app.get('/api/v3/activities/:id', (c) => {
    const a = auth(c, ['activity:read', 'activity:read_all']);
    if (a instanceof Response) return a;
    const act = state.activities.find((x) => String(x.id) === c.req.param('id'));
    if (!act) return c.json(fault('Record Not Found', 'Activity', 'id', 'invalid'), 404);
    return c.json(detailedJson(act));
  });

  app.put('/api/v3/activities/:id', async (c) => {
    const a = auth(c, ['activity:write']);
    if (a instanceof Response) return a;
    const act = state.activities.find((x) => String(x.id) === c.req.param('id'));
    if (!act) return c.json(fault('Record Not Found', 'Activity', 'id', 'invalid'), 404);
    // Only the owner may update ("Updates the given activity that is owned by the authenticated athlete").
    if (act.athleteId !== a.athleteId) return c.json(fault('Authorization Error', 'Activity', 'id', 'forbidden'), 401);
    const invalid = applyUpdate(act, await readParams(c));
    if (invalid) return c.json(fault('Bad Request', 'Activity', invalid, 'invalid'), 400);
    return c.json(detailedJson(act));
  });

  app.post('/api/v3/activities', async (c) => {
    const a = auth(c, ['activity:write']);
    if (a instanceof Response) return a;
    const p = await readParams(c);
    const sportType = p.sport_type ?? p.type;
    for (const [field, v] of [
      ['name', p.name],
      ['sport_type', sportType],
      ['start_date_local', p.start_date_local],
      ['elapsed_time', p.elapsed_time],
    ] as const) {
      if (v === undefined || v === '') return c.json(fault('Bad Request', 'Activity', field, 'missing'), 400);
    }
    const local = parseLocal(p.start_date_local!, state.options.athleteUtcOffsetSeconds);
    const elapsed = Number(p.elapsed_time);
    if (local === null) return c.json(fault('Bad Request', 'Activity', 'start_date_local', 'invalid'), 400);
    if (!Number.isFinite(elapsed) || elapsed <= 0)
      return c.json(fault('Bad Request', 'Activity', 'elapsed_time', 'invalid'), 400);
    const act = state.addManual({
      athleteId: a.athleteId,
      gearId: null,
      externalId: null,
      uploadId: null,
      name: p.name!,
      description: p.description ?? null,
      sportType: sportType!,
      startMs: local.utcMs,
      utcOffsetSeconds: local.offsetS,
      elapsedSeconds: Math.round(elapsed),
      movingSeconds: Math.round(elapsed),
      distanceMeters: Number(p.distance ?? 0) || 0,
      elevationGainMeters: 0,
      hasHeartrate: false,
      sentHeartrate: false,
      averageHeartrate: null,
      maxHeartrate: null,
      calories: null,
      trainer: truthy(p.trainer),
      commute: truthy(p.commute),
      manual: true,
      hideFromHome: truthy(p.hide_from_home),
      hasGps: false,
      deviceName: null,
    });
    return c.json(detailedJson(act), 201);
  });
}

/**
 * start_date_local as Strava takes it: "2025-10-18 19:04:26 -0400" (offset
 * given) or an ISO local time, read in the athlete's zone (a trailing "Z" is
 * Strava's local-time convention, not UTC).
 */
function parseLocal(text: string, athleteOffsetS: number): { utcMs: number; offsetS: number } | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const wall = Date.parse(`${m[1]}T${m[2]}Z`);
  if (!Number.isFinite(wall)) return null;
  let offsetS = athleteOffsetS;
  if (m[3] && m[3] !== 'Z') {
    const sign = m[3].startsWith('-') ? -1 : 1;
    const digits = m[3].replace(/[+:-]/g, '');
    offsetS = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
  }
  return { utcMs: wall - offsetS * 1000, offsetS };
}
