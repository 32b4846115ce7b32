// Serves the Strava simulator on loopback (port 0 = any free port).
import { listen, type ListenOptions } from '../listen.js';
import { createStravaSimulator, type StravaSimulator, type StravaSimulatorOptions } from './app.js';

export interface RunningStravaSimulator extends StravaSimulator {
  /** Base URL for both the OAuth and the API paths, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  close(): Promise<void>;
}

export async function startStravaSimulator(
  options: StravaSimulatorOptions & ListenOptions = {},
): Promise<RunningStravaSimulator> {
  const sim = createStravaSimulator(options);
  const server = await listen(sim.app.fetch, options);
  return {
    ...sim,
    url: server.url,
    close: () => {
      sim.releaseHangs(); // a request held by a 'hang' fault would keep the server open
      return server.close().catch(() => undefined); // closing twice is not an error here
    },
  };
}
