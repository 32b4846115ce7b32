// The recording device as far as the cloud tells it (F6). The summary's
// `source` is `run.<n>.huami.com` for a numbered device family (e.g. 411 for a
// Mi Band synced by Zepp Life) or `run.mifit.huami.com` / `run.watch.<name>`;
// `bind_device` is sometimes set, e.g. "0:MILI:8" (a 2018 Mi Band). Neither is
// a FIT product id, so the number we carry is the family number, kept stable.
import type { Device } from '../../core/workout/types.js';

export const ZEPP_MANUFACTURER = 339;

export function describeDevice(source: string, bindDevice: string, override?: string): Device {
  const family = /^run\.(\d+)\./.exec(source)?.[1];
  const watch = /^run\.watch\.([a-z0-9_-]+)\./i.exec(source)?.[1];
  const bound = /^\d+:([A-Z_]+):(\d+)$/i.exec(bindDevice.trim());
  const product = family ? Number(family) : bound ? Number(bound[2]) : 0;
  let name: string;
  if (bound && bound[1]!.toUpperCase() === 'MILI') name = `Mi Band (MILI ${bound[2]})`;
  else if (watch) name = `Amazfit ${watch.charAt(0).toUpperCase()}${watch.slice(1)}`;
  else if (family) name = `Mi Band / Amazfit (${source})`;
  else name = 'Mi Band / Amazfit';
  return {
    manufacturer: ZEPP_MANUFACTURER,
    product,
    name: override && override.trim() !== '' ? override.trim() : name,
  };
}
