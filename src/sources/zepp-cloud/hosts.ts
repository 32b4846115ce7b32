// Zepp hosts: the allow-list (DESIGN §4.5: credentials go only to known
// hosts) and the regional data hosts probed to find where an account lives
// (notes §1.2; ZeppBridge REGION_HOST_ALLOWLIST, open-wearables#1542).

export const ZEPP_LOGIN_USER_HOST = 'https://api-user.huami.com';
export const ZEPP_LOGIN_ACCOUNT_HOST = 'https://account.huami.com';

/** Regional data hosts, grouped by the region hint the login returns. */
export const ZEPP_DATA_HOSTS: Readonly<Record<'us' | 'eu' | 'cn' | 'sg' | 'in' | 'ru', readonly string[]>> = {
  us: ['https://api-mifit-us2.huami.com', 'https://api-mifit-us3.zepp.com', 'https://api-mifit.huami.com', 'https://api-mifit.zepp.com'],
  eu: ['https://api-mifit-de2.huami.com', 'https://api-mifit-de2.zepp.com', 'https://api-mifit-de.huami.com', 'https://api-mifit-de.zepp.com'],
  cn: ['https://api-mifit-cn2.huami.com', 'https://api-mifit-cn.huami.com', 'https://api-mifit-cn2.zepp.com', 'https://api-mifit-cn3.zepp.com', 'https://api-mifit-cn.zepp.com'],
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
export function regionGroup(hint: { region?: string | null; countryCode?: string | null }): keyof typeof ZEPP_DATA_HOSTS | null {
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
  const rest = Object.values(ZEPP_DATA_HOSTS).flat().filter((h) => !first.includes(h));
  return [...first, ...rest];
}

/** China-region data hosts serve GCJ-02 tracks (F12). The simulator names its regional hosts /region/<name>. */
export function isChinaHost(url: string): boolean {
  return /-cn\d*\./.test(url) || /\/region\/cn/.test(url);
}
