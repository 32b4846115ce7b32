// What each kind of account keeps in its (non-secret) settings, parsed where
// it is read and where it is written, never cast: a value of the wrong shape
// in the database is a clear error naming the account, not a source built
// from `undefined`.
import { z } from 'zod';
import { BandsyncError } from './failures.js';
import type { Account, AccountKind } from './ports.js';

/** When the account was connected (ISO): without a backfill, only workouts after it are uploaded. */
const connectedAt = z.string().optional();
const localPath = z.object({ path: z.string().min(1), connectedAt });

export const ACCOUNT_SETTINGS = {
  'zepp-cloud': z.object({
    baseUrl: z.string().optional(),
    userId: z.string().min(1),
    region: z.enum(['cn', 'global']).optional(),
    connectedAt,
  }),
  'zepp-export': localPath,
  gadgetbridge: localPath.extend({ gpxDir: z.string().optional() }),
  files: localPath,
  'mi-fitness': z.object({
    userId: z.string().min(1),
    email: z.string().optional(),
    country: z.string().optional(),
    /** The shard a country or a previous probe decided. */
    region: z.string().optional(),
    baseUrl: z.string().optional(),
    connectedAt,
  }),
  'mi-fitness-export': localPath,
  strava: z.object({
    clientId: z.string().min(1),
    athleteId: z.string().optional(),
    scopes: z.array(z.string()).optional(),
    connectedAt,
  }),
} satisfies Record<AccountKind, z.ZodType>;

export type AccountSettings<K extends AccountKind> = z.infer<(typeof ACCOUNT_SETTINGS)[K]>;

/** The settings of an account of kind `kind`, checked. */
export function accountSettings<K extends AccountKind>(kind: K, account: Account): AccountSettings<K> {
  if (account.kind !== kind) throw new Error(`account ${account.id} is ${account.kind}, not ${kind}`);
  const parsed = ACCOUNT_SETTINGS[kind].safeParse(account.settings);
  if (!parsed.success)
    throw new BandsyncError(
      'source_unreadable',
      `account ${account.id} (${kind}): its stored settings are not valid (${z.prettifyError(parsed.error).replace(/\n/g, '; ')}); connect it again`,
    );
  return parsed.data as AccountSettings<K>;
}

/** Settings about to be stored for a new or reconnected account, checked the same way. */
export function newAccountSettings<K extends AccountKind>(kind: K, settings: AccountSettings<K>): AccountSettings<K> {
  return ACCOUNT_SETTINGS[kind].parse(settings) as AccountSettings<K>;
}
