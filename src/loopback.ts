// Which addresses are this machine only. One answer for every place that
// asks (binding the dashboard, the Host guard, the daemon's remote flag, the
// local API's and the doctor's URLs): all of 127.0.0.0/8, ::1 and localhost.

/** True for localhost, ::1 and any 127.x.y.z; brackets around an IPv6 address are ignored. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** The host name in a Host header, without its port and IPv6 brackets. */
export function hostHeaderName(header: string): string {
  return header
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
}

/** Where a local client reaches a server bound to `host`: a wildcard address is reached on loopback. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host;
}

/** A URL a local client can reach: a wildcard bind address is reached on loopback. */
export function loopbackUrl(url: string): string {
  const u = new URL(url);
  const host = reachableHost(u.hostname);
  u.hostname = host.includes(':') ? `[${host}]` : host;
  return u.toString();
}
