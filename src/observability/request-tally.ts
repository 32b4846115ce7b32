// Counts the requests this process sent to Strava, told by the Strava client
// as it sends them: the CLI's "Strava requests" line (F10) and the daemon's
// bandsync_uploads_total. The engine's ports know nothing of it.

export interface RequestTally {
  /** Every request sent so far, token refreshes included. */
  total(): number;
  /** Uploads (files and manual activities) sent so far. */
  uploads(): number;
}

export function requestTally(): RequestTally & { record(request: { kind: string }): void } {
  let total = 0;
  let uploads = 0;
  return {
    record(request) {
      total++;
      if (request.kind === 'upload') uploads++;
    },
    total: () => total,
    uploads: () => uploads,
  };
}
