// Xiaomi's hosts (notes §1.2, §3.1). The health API lives on one regional
// shard per account; a wrong shard answers empty lists, not errors. A
// configured base URL (the simulator, a proxy) stands for every Xiaomi host at
// once: the passport at its root, the regional shards under /region/<name>.

export const MI_REGIONS = ['cn', 'sg', 'us', 'de', 'ru', 'i2'] as const;
export type MiRegion = (typeof MI_REGIONS)[number];

export const MI_ACCOUNT_HOST = 'https://account.xiaomi.com';
export const MI_STS_CALLBACK = 'https://sts-hlth.io.mi.com/healthapp/sts';

export interface MiHosts {
  readonly account: string;
  /** Where the browser login sends the user back (its final URL is pasted). */
  readonly stsCallback: string;
  health(region: MiRegion): string;
  /** Whether credentials or tokens may go to this URL. */
  allowed(url: string): boolean;
}

export function miHosts(override?: string): MiHosts {
  if (override) {
    const base = override.replace(/\/+$/, '');
    const origin = new URL(base).origin;
    return {
      account: base,
      stsCallback: `${base}/sts/healthapp/sts`,
      health: (region) => `${base}/region/${region}`,
      allowed: (url) => safeOrigin(url) === origin,
    };
  }
  return {
    account: MI_ACCOUNT_HOST,
    stsCallback: MI_STS_CALLBACK,
    health: (region) => (region === 'cn' ? 'https://hlth.io.mi.com' : `https://${region}.hlth.io.mi.com`),
    allowed: (url) => {
      try {
        const u = new URL(url);
        return u.protocol === 'https:' && /(^|\.)(xiaomi\.com|mi\.com)$/.test(u.hostname);
      } catch {
        return false;
      }
    },
  };
}

/** The URL's origin, or null when it is not a URL. */
export function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

const EUROPE = new Set(
  'AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SJ SK SM UA VA XK'.split(
    ' ',
  ),
);
const AMERICAS = new Set(
  'AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GP GT GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI'.split(
    ' ',
  ),
);

/** Country (ISO 3166 alpha-2) → region, after the app's servers.json (notes §3.1): everything else is sg. */
export function regionForCountry(country: string): MiRegion {
  const cc = country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(cc)) throw new Error(`"${country}" is not a two-letter country code (e.g. DE, US, IN)`);
  if (cc === 'CN') return 'cn';
  if (cc === 'IN') return 'i2';
  if (cc === 'RU') return 'ru';
  if (EUROPE.has(cc)) return 'de';
  if (AMERICAS.has(cc)) return 'us';
  return 'sg';
}

export function isMiRegion(value: unknown): value is MiRegion {
  return typeof value === 'string' && (MI_REGIONS as readonly string[]).includes(value);
}
