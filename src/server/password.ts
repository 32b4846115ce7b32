// Dashboard password hashing (scrypt, Node's built-in KDF). The config stores
// only the hash; the plain password is never kept or logged. Each hash carries
// its own cost parameters ("scrypt$N$r$p$salt$key"), so the cost can rise in a
// later release while hashes made earlier keep verifying with theirs.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP Password Storage Cheat Sheet's scrypt minimum: N = 2^17, r = 8, p = 1 (128 MiB of memory per hash). */
export const SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
/** Far above any sane cost: a hash asking for more is refused rather than allowed to exhaust memory. */
const MAX_COST: ScryptCost = { N: 2 ** 20, r: 16, p: 16 };
const KEY_LENGTH = 32;

function scrypt(plain: string, salt: Buffer, length: number, cost: ScryptCost): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; scrypt needs about 128·N·r bytes.
  const maxmem = 2 * 128 * cost.N * cost.r;
  return new Promise((resolve, reject) =>
    scryptCb(plain, salt, length, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Returns "scrypt$N$r$p$salt$hash" (base64url parts). */
export async function hashPassword(plain: string): Promise<string> {
  if (plain.length < 8) throw new Error('The dashboard password must have at least 8 characters.');
  const salt = randomBytes(16);
  const key = await scrypt(plain, salt, KEY_LENGTH, SCRYPT_COST);
  const { N, r, p } = SCRYPT_COST;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export function isPasswordHash(value: string): boolean {
  return /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/.test(value);
}

function parseHash(hash: string): { cost: ScryptCost; salt: Buffer; key: Buffer } {
  if (!isPasswordHash(hash))
    throw new Error(
      'The configured dashboard password is not a scrypt hash (make one with: bandsync config hash-password).',
    );
  const [, n, r, p, saltText, keyText] = hash.split('$') as [string, string, string, string, string, string];
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  const powerOfTwo = cost.N > 1 && (cost.N & (cost.N - 1)) === 0;
  if (!powerOfTwo || cost.N > MAX_COST.N || cost.r < 1 || cost.r > MAX_COST.r || cost.p < 1 || cost.p > MAX_COST.p)
    throw new Error(
      `The configured dashboard password hash has unusable scrypt parameters N=${n} r=${r} p=${p} (N a power of two up to 2^20, r up to 16, p up to 16).`,
    );
  return { cost, salt: Buffer.from(saltText, 'base64url'), key: Buffer.from(keyText, 'base64url') };
}

export async function verifyPassword(plain: string, hash: string): Promise<boolean> {
  const { cost, salt, key: expected } = parseHash(hash);
  const key = await scrypt(plain, salt, expected.length, cost);
  return timingSafeEqual(key, expected);
}

/** True when the hash was made at a lower cost than this release's (hash the password again to raise it). */
export function isBelowCurrentCost(hash: string): boolean {
  const { cost } = parseHash(hash);
  return cost.N < SCRYPT_COST.N || cost.r < SCRYPT_COST.r || cost.p < SCRYPT_COST.p;
}
