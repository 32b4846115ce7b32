// The "RC4-secured" request scheme of Xiaomi's cloud APIs, as the Mi Fitness
// health API uses it (notes/mi-fitness.md §2): a 12-byte nonce, a SHA-256
// signed nonce derived from the session's `ssecurity`, RC4 with the first
// 1024 keystream bytes dropped (a fresh instance per value, as two of the
// three clients do: the notes' recommendation), SHA-1 signatures over the
// method, path and sorted parameters, and an RC4-encrypted base64 answer.
// Also the FDS detail files' AES-128-CBC (fixed IV from the app).
import { createDecipheriv, createHash, randomBytes } from 'node:crypto';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const unb64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

/** RC4 keyed with `key`, the first `drop` keystream bytes discarded, XORed over `data` (its own inverse). */
export function rc4Drop(key: Uint8Array, data: Uint8Array, drop = 1024): Uint8Array {
  if (key.length === 0) throw new Error('RC4 needs a non-empty key');
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
  }
  let i = 0,
    j = 0;
  const next = (): number => {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    const t = s[i]!;
    s[i] = s[j]!;
    s[j] = t;
    return s[(s[i]! + s[j]!) & 0xff]!;
  };
  for (let n = 0; n < drop; n++) next();
  const out = new Uint8Array(data.length);
  for (let n = 0; n < data.length; n++) out[n] = data[n]! ^ next();
  return out;
}

/** 8 random bytes, then the minute counter (big-endian int32), base64: the request's `_nonce`. */
export function makeNonce(nowMs: number, random: Uint8Array = randomBytes(8)): string {
  const bytes = new Uint8Array(12);
  bytes.set(random.subarray(0, 8), 0);
  new DataView(bytes.buffer).setInt32(8, Math.floor(nowMs / 60_000), false);
  return b64(bytes);
}

/** base64(SHA-256(unb64(ssecurity) || unb64(nonce))): the per-request key. */
export function signedNonce(ssecurity: string, nonce: string): string {
  return createHash('sha256').update(unb64(ssecurity)).update(unb64(nonce)).digest('base64');
}

/** base64(SHA-1("METHOD&path&k=v&…&signedNonce")), keys sorted. */
export function signParams(method: string, path: string, params: Record<string, string>, nonceKey: string): string {
  const parts = [method.toUpperCase(), path];
  for (const key of Object.keys(params).sort()) parts.push(`${key}=${params[key]}`);
  parts.push(nonceKey);
  return createHash('sha1').update(parts.join('&'), 'utf8').digest('base64');
}

export function rc4EncryptText(nonceKey: string, text: string): string {
  return b64(rc4Drop(unb64(nonceKey), new Uint8Array(Buffer.from(text, 'utf8'))));
}

export function rc4DecryptText(nonceKey: string, base64: string): string {
  return Buffer.from(rc4Drop(unb64(nonceKey), unb64(base64.trim()))).toString('utf8');
}

export interface SignedForm {
  readonly data: string;
  readonly rc4_hash__: string;
  readonly signature: string;
  readonly _nonce: string;
  /** The key the answer is encrypted with; never sent. */
  readonly nonceKey: string;
}

/** The four form values of one signed POST of `plain` (compact JSON) to `signPath`. */
export function signRequest(input: {
  readonly signPath: string;
  readonly plain: string;
  readonly ssecurity: string;
  readonly nonce: string;
}): SignedForm {
  const nonceKey = signedNonce(input.ssecurity, input.nonce);
  const sig1 = signParams('POST', input.signPath, { data: input.plain }, nonceKey);
  const data = rc4EncryptText(nonceKey, input.plain);
  const hash = rc4EncryptText(nonceKey, sig1);
  const signature = signParams('POST', input.signPath, { data, rc4_hash__: hash }, nonceKey);
  return { data, rc4_hash__: hash, signature, _nonce: input.nonce, nonceKey };
}

/** The Xiaomi passport's STS `clientSign`: base64(SHA-1("nonce=<nonce>&<ssecurity>")). */
export function clientSign(nonce: string, ssecurity: string): string {
  return createHash('sha1').update(`nonce=${nonce}&${ssecurity}`, 'utf8').digest('base64');
}

/** The passport's password hash: upper-case hex MD5 of the UTF-8 password. */
export function passwordHash(password: string): string {
  return createHash('md5').update(password, 'utf8').digest('hex').toUpperCase();
}

export const FDS_IV = '1234567887654321';

/** URL-safe (or standard) base64 without padding → bytes. */
export function b64urlDecode(text: string): Uint8Array {
  const std = text.trim().replace(/-/g, '+').replace(/_/g, '/');
  return new Uint8Array(Buffer.from(std + '='.repeat((4 - (std.length % 4)) % 4), 'base64'));
}

export function b64urlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** An FDS object body (URL-safe base64 text, maybe JSON-quoted) → plaintext, with the object's `obj_key`. */
export function decryptFds(body: string, objKey: string): Uint8Array {
  const key = b64urlDecode(objKey);
  if (key.length !== 16) throw new Error(`the FDS object key is ${key.length} bytes, not 16`);
  let text = body.trim();
  if (text.startsWith('"') && text.endsWith('"')) text = JSON.parse(text) as string;
  const decipher = createDecipheriv('aes-128-cbc', key, Buffer.from(FDS_IV, 'latin1'));
  return new Uint8Array(Buffer.concat([decipher.update(b64urlDecode(text)), decipher.final()]));
}

export function sha1(bytes: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha1').update(bytes).digest());
}
