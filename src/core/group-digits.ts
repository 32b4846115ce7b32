/**
 * 12345 → "12,345", as `toLocaleString('en-US')` writes it for the counts and
 * sizes bandsync shows (integers). Not through Intl: the first call of that
 * pages about 6 MB of ICU's locale data into the process for a comma (issue 17:
 * the daemon's memory after serving the dashboard).
 */
export function groupDigits(n: number): string {
  const [whole = '', fraction] = String(n).split('.');
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction === undefined ? '' : `.${fraction}`);
}
