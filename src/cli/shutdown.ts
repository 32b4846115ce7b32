// SIGTERM / SIGINT for the long-running commands (issue 12 item 3): the
// first signal aborts what runs (rate-limit waits, new uploads, polls) and
// lets it close cleanly; whatever is still running after the grace period is
// ended by exiting — every state the engine writes is crash-safe, so what
// was in flight resumes on the next start without a second upload. A second
// signal exits at once. systemd and containers wait 10 s before a hard kill.
export interface Shutdown {
  readonly signal: AbortSignal;
  /** Resolves when a stop signal arrives. */
  readonly requested: Promise<string>;
  dispose(): void;
}

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function onShutdown(options: { graceMs?: number; quiet?: boolean } = {}): Shutdown {
  const controller = new AbortController();
  let resolveRequested: (name: string) => void = () => undefined;
  const requested = new Promise<string>((resolve) => (resolveRequested = resolve));
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(EXIT_CODES[name] ?? 1);
    if (!options.quiet)
      process.stderr.write(`bandsync: ${name} received: stopping; what was in flight resumes on the next start\n`);
    controller.abort(new Error(`stopped by ${name}`));
    resolveRequested(name);
    // Whatever has not closed by then is ended: the stored states are crash-safe.
    setTimeout(() => process.exit(EXIT_CODES[name] ?? 1), options.graceMs ?? 8_000).unref();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    signal: controller.signal,
    requested,
    dispose() {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}
