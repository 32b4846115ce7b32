// Dashboard password hashing (scrypt, Node's built-in KDF). The config stores
// only the hash; the plain password is never kept or logged.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: { N: number; r: number; p: number },
) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** Returns "scrypt$N$r$p$salt$hash" (base64url parts). */
export async function hashPassword(plain: string): Promise<string> {
  if (plain.length < 8) throw new Error('The dashboard password must have at least 8 characters.');
  const salt = randomBytes(16);
  const key = await scrypt(plain, salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export function isPasswordHash(value: string): boolean {
  return /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/.test(value);
}

export async function verifyPassword(plain: string, hash: string): Promise<boolean> {
  if (!isPasswordHash(hash))
    throw new Error("The configured dashboard password is not a scrypt hash (use bandsync's hash-password).");
  const [, n, r, p, saltText, keyText] = hash.split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(keyText, 'base64url');
  const key = await scrypt(plain, Buffer.from(saltText, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(key, expected);
}
