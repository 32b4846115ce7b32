// Zepp hosts: the allow-list (DESIGN §4.5: credentials go only to known
// hosts) and the regional data hosts probed to find where an account lives
// (notes §1.2; ZeppBridge REGION_HOST_ALLOWLIST, open-wearables#1542).

export const ZEPP_LOGIN_USER_HOST = 'https://api-user.huami.com';
export const ZEPP_LOGIN_ACCOUNT_HOST = 'https://account.huami.com';

/**
 * The encrypted login newer Zepp accounts need (header `x-hm-ekv: 1`), one
 * cluster per region: tokens at `userHost`/v2/registrations/tokens, the
 * access-code exchange at `accountHost`/v2/client/login. `region` and
 * `countryCode` are what the form sends when the account's own are unknown.
 * Hosts: notes/zepp-sources.md §1.1 B (the `*.eu2.zepp.com` names are NXDOMAIN,
 * `*.de2` are current); the same four URLs in the Zepp 9.12.5 clients found by
 * code search (unattributed excerpts: a Go `ZeppLoginWithURLs`, a Python
 * `PasswordAuthProvider` with `_MODERN_CLUSTERS` eu/us).
 */
export const ZEPP_EKV_CLUSTERS = {
  eu: {
    userHost: 'https://api-user-de2.zepp.com',
    accountHost: 'https://api-mifit-de2.zepp.com',
    region: 'eu-central-1',
    countryCode: 'DE',
  },
  us: {
    userHost: 'https://api-user-us2.zepp.com',
    accountHost: 'https://api-mifit-us2.zepp.com',
    region: 'us-west-2',
    countryCode: 'US',
  },
} as const;
export type ZeppEkvCluster = keyof typeof ZEPP_EKV_CLUSTERS;

// Countries whose accounts live on the EU cluster (EU/EEA, CH, GB), as the
// Python PasswordAuthProvider above picks its cluster; any other country: unknown.
const EU_COUNTRIES = new Set([
  'AT',
  'BE',
  'BG',
  'CH',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GB',
  'UK',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
]);

/** The encrypted-login cluster a hint names ('eu'/'us', an AWS region, a country code), or null when it says nothing. */
export function ekvClusterFor(hint: { region?: string | null; countryCode?: string | null }): ZeppEkvCluster | null {
  const region = (hint.region ?? '').trim().toLowerCase();
  const country = (hint.countryCode ?? '').trim().toUpperCase();
  if (region === 'eu' || region.startsWith('eu-')) return 'eu';
  if (region === 'us' || region.startsWith('us-')) return 'us';
  if (EU_COUNTRIES.has(country)) return 'eu';
  if (country === 'US') return 'us';
  return null;
}

/**
 * Regional data hosts, grouped by the region hint the login returns.
 * api-mifit-us2.zepp.com: the US cluster's encrypted-login host, also used for
 * data reads by a Zepp MCP client found by code search (unattributed excerpt).
 */
export const ZEPP_DATA_HOSTS: Readonly<Record<'us' | 'eu' | 'cn' | 'sg' | 'in' | 'ru', readonly string[]>> = {
  us: [
    'https://api-mifit-us2.huami.com',
    'https://api-mifit-us2.zepp.com',
    'https://api-mifit-us3.zepp.com',
    'https://api-mifit.huami.com',
    'https://api-mifit.zepp.com',
  ],
  eu: [
    'https://api-mifit-de2.huami.com',
    'https://api-mifit-de2.zepp.com',
    'https://api-mifit-de.huami.com',
    'https://api-mifit-de.zepp.com',
  ],
  cn: [
    'https://api-mifit-cn2.huami.com',
    'https://api-mifit-cn.huami.com',
    'https://api-mifit-cn2.zepp.com',
    'https://api-mifit-cn3.zepp.com',
    'https://api-mifit-cn.zepp.com',
  ],
  sg: ['https://api-mifit-sg.huami.com'],
  in: ['https://api-mifit-in.huami.com', 'https://api-mifit-in2.zepp.com'],
  ru: ['https://api-mifit-ru.huami.com'],
};

const REAL_HOST = /^(api-mifit(-[a-z0-9]+)?|api-user(-[a-z0-9]+)?|account(-[a-z0-9]+)?)\.(huami|zepp)\.com$/;

/**
 * True when credentials may be sent to `url`: HTTPS on a Zepp/Huami API host,
 * or an origin the user configured explicitly (e.g. BANDSYNC_ZEPP_URL pointing
 * at the simulator on loopback).
 */
export function isAllowedZeppUrl(url: string, extraOrigins: readonly string[] = []): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return false;
  if (extraOrigins.some((o) => safeOrigin(o) === parsed.origin)) return true;
  return parsed.protocol === 'https:' && parsed.port === '' && REAL_HOST.test(parsed.hostname);
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Region hint from the login redirect (`region=eu-central-1`, `country_code=DE`) → host group. */
export function regionGroup(hint: {
  region?: string | null;
  countryCode?: string | null;
}): keyof typeof ZEPP_DATA_HOSTS | null {
  const region = (hint.region ?? '').toLowerCase();
  const country = (hint.countryCode ?? '').toUpperCase();
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('cn-') || country === 'CN') return 'cn';
  if (region === 'ap-southeast-1' || country === 'SG') return 'sg';
  if (country === 'IN') return 'in';
  if (country === 'RU') return 'ru';
  if (region.startsWith('us-')) return 'us';
  return null;
}

/** Every real data host, the hinted group first. */
export function candidateDataHosts(group: keyof typeof ZEPP_DATA_HOSTS | null): string[] {
  const first = group ? [...ZEPP_DATA_HOSTS[group]] : [];
  const rest = Object.values(ZEPP_DATA_HOSTS)
    .flat()
    .filter((h) => !first.includes(h));
  return [...first, ...rest];
}

/** China-region data hosts serve GCJ-02 tracks (F12). The simulator names its regional hosts /region/<name>. */
export function isChinaHost(url: string): boolean {
  return /-cn\d*\./.test(url) || /\/region\/cn/.test(url);
}
