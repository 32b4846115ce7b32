// Secrets at rest (DESIGN §4.5): AES-256-GCM with a 32-byte key from
// BANDSYNC_SECRET_KEY (base64) or a generated key file (mode 0600). GCM's tag
// makes a wrong key fail loudly instead of yielding garbage. Since v2 the
// account id is the associated data, so sealed secrets only open for the
// account they were sealed for: copied into another account's row (someone
// who can write to the database), they fail instead of lending its tokens.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';

/** v2: bound to the account id (AES-GCM associated data); v1 (bandsync 0.1.0): not bound. */
const PREFIX = 'v2:';
const LEGACY_PREFIX = 'v1:';
export const KEY_FILE_NAME = 'secret.key';

export class SecretKeyMismatchError extends Error {
  constructor(where: string) {
    super(
      `cannot decrypt the stored secrets of ${where}: the secret key differs from the one they were sealed with (check BANDSYNC_SECRET_KEY or the secret.key file), or the data is damaged`,
    );
    this.name = 'SecretKeyMismatchError';
  }
}

export function parseSecretKey(base64: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`the secret key must be 32 bytes encoded as base64 (got ${key.length} bytes)`);
  return key;
}

/** The configured key, else the data dir's key file, created on first use. */
export async function loadSecretKey(dataDir: string, secretKey?: string): Promise<Buffer> {
  if (secretKey) return parseSecretKey(secretKey);
  const path = join(dataDir, KEY_FILE_NAME);
  try {
    return parseSecretKey(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`the key file ${path} is unreadable or not a 32-byte base64 key: ${(error as Error).message}`);
    }
  }
  const key = randomBytes(32);
  try {
    await writeFile(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another opener (PostgreSQL mode, same machine) wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseSecretKey(await readFile(path, 'utf8'));
    throw error;
  }
  await chmod(path, 0o600);
  return key;
}

export interface Sealer {
  /** Seals an account's secrets, bound to its id. */
  seal(plain: Record<string, string>, accountId: string): string;
  /** Opens what seal() made for this account; throws SecretKeyMismatchError otherwise. */
  unseal(sealed: string, accountId: string): Record<string, string>;
  /** Opens the format of bandsync 0.1.0 (no account binding), only to reseal it when the store opens. */
  unsealLegacy(sealed: string, accountId: string): Record<string, string>;
}

const IV = 12;
const TAG = 16;

export function createSealer(key: Buffer): Sealer {
  const open = (sealed: string, prefix: string, aad: Buffer | null, accountId: string): Record<string, string> => {
    if (!sealed.startsWith(prefix)) throw new SecretKeyMismatchError(`account ${accountId}`);
    const raw = Buffer.from(sealed.slice(prefix.length), 'base64');
    try {
      // A fixed tag length: a shortened tag would otherwise be accepted (and be easier to forge).
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV), { authTagLength: TAG });
      if (aad) decipher.setAAD(aad);
      decipher.setAuthTag(raw.subarray(IV, IV + TAG));
      const text = Buffer.concat([decipher.update(raw.subarray(IV + TAG)), decipher.final()]).toString('utf8');
      return JSON.parse(text) as Record<string, string>;
    } catch {
      throw new SecretKeyMismatchError(`account ${accountId}`);
    }
  };
  return {
    seal(plain, accountId) {
      const iv = randomBytes(IV);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(accountId, 'utf8'));
      const body = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    unseal: (sealed, accountId) => open(sealed, PREFIX, Buffer.from(accountId, 'utf8'), accountId),
    unsealLegacy: (sealed, accountId) => open(sealed, LEGACY_PREFIX, null, accountId),
  };
}
