// Serves the Mi Fitness simulator on loopback (port 0 = a free port) for
// tests, `demo --source mi-fitness` and `bandsync simulate mi-fitness`.
import { listen, type ListenOptions } from '../listen.js';
import { createMiFitnessSimulator, type MiFitnessSimulator, type MiFitnessSimulatorOptions } from './app.js';

export interface RunningMiFitnessSimulator extends MiFitnessSimulator {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMiFitnessSimulator(
  options: MiFitnessSimulatorOptions & ListenOptions = {},
): Promise<RunningMiFitnessSimulator> {
  const sim = createMiFitnessSimulator(options);
  return { ...sim, ...(await listen(sim.app.fetch, options)) };
}
