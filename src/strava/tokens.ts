// The token set bandsync keeps for one connected Strava athlete.
export interface StravaTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Access-token expiry, epoch seconds (Strava's `expires_at`). */
  readonly expiresAt: number;
  readonly athleteId?: string;
  /** Scopes granted on the consent page (from the callback's `scope`). */
  readonly scopes?: readonly string[];
}

export interface TokenStore {
  load(): Promise<StravaTokens | null>;
  save(tokens: StravaTokens): Promise<void>;
}

export { REQUIRED_SCOPES } from '../sync/deps.js';
