// Serves the simulator on loopback (port 0 = a free port) for tests, `demo`
// and `bandsync simulate zepp`.
import { listen, type ListenOptions } from '../listen.js';
import { createZeppSimulator, type ZeppSimulator, type ZeppSimulatorOptions } from './app.js';

export interface RunningZeppSimulator extends ZeppSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export async function startZeppSimulator(
  options: ZeppSimulatorOptions & ListenOptions = {},
): Promise<RunningZeppSimulator> {
  const sim = createZeppSimulator(options);
  return { ...sim, ...(await listen(sim.app.fetch, options)) };
}
