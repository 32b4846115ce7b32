// The server side of Xiaomi's RC4-secured requests, written apart from the
// client's (src/sources/mi-fitness/crypto.ts) on purpose: the simulator must
// not share code with the adapter it tests. Follows notes/mi-fitness.md §2:
// signed nonce = SHA-256(ssecurity ‖ nonce); RC4 with 1024 bytes dropped, a
// fresh keystream per value; SHA-1 signatures; answers RC4-encrypted base64.
// Also the FDS objects' AES-128-CBC (fixed IV) and the passport hashes.
import { createCipheriv, createHash } from 'node:crypto';

function* keystream(key: Buffer): Generator<number, never> {
  const box = Array.from({ length: 256 }, (_, k) => k);
  let j = 0;
  for (let k = 0; k < 256; k++) {
    j = (j + box[k]! + key[k % key.length]!) % 256;
    [box[k], box[j]] = [box[j]!, box[k]!];
  }
  let a = 0;
  let b = 0;
  for (;;) {
    a = (a + 1) % 256;
    b = (b + box[a]!) % 256;
    [box[a], box[b]] = [box[b]!, box[a]!];
    yield box[(box[a]! + box[b]!) % 256]!;
  }
}

/** RC4-drop1024 over `data` with the base64 key. */
export function rc4(keyB64: string, data: Buffer): Buffer {
  const ks = keystream(Buffer.from(keyB64, 'base64'));
  for (let n = 0; n < 1024; n++) ks.next();
  return Buffer.from(data.map((byte) => byte ^ ks.next().value));
}

export const nonceKeyOf = (ssecurity: string, nonce: string): string =>
  createHash('sha256')
    .update(Buffer.concat([Buffer.from(ssecurity, 'base64'), Buffer.from(nonce, 'base64')]))
    .digest('base64');

const sha1b64 = (text: string): string => createHash('sha1').update(text).digest('base64');

/** Checks a signed form and returns the decrypted JSON text, or why it is refused. */
export function openSignedForm(
  form: Record<string, string>,
  signPath: string,
  ssecurity: string,
): { ok: true; plain: string; key: string } | { ok: false; why: string } {
  const { data, rc4_hash__: hash, signature, _nonce: nonce } = form;
  if (!data || !hash || !signature || !nonce)
    return { ok: false, why: 'missing data, rc4_hash__, signature or _nonce' };
  const key = nonceKeyOf(ssecurity, nonce);
  const expected = sha1b64(`POST&${signPath}&data=${data}&rc4_hash__=${hash}&${key}`);
  if (expected !== signature) return { ok: false, why: 'signature does not match' };
  const plain = rc4(key, Buffer.from(data, 'base64')).toString('utf8');
  const sig1 = rc4(key, Buffer.from(hash, 'base64')).toString('utf8');
  if (sig1 !== sha1b64(`POST&${signPath}&data=${plain}&${key}`)) return { ok: false, why: 'rc4_hash__ does not match' };
  return { ok: true, plain, key };
}

export const sealAnswer = (key: string, json: unknown): string =>
  rc4(key, Buffer.from(JSON.stringify(json), 'utf8')).toString('base64');

export const FDS_IV = Buffer.from('1234567887654321', 'latin1');

const toUrlB64 = (b: Buffer): string => b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** An FDS object as served: URL-safe base64 of AES-128-CBC(PKCS#7). */
export function sealFds(plain: Uint8Array, objKey: Buffer): string {
  const c = createCipheriv('aes-128-cbc', objKey, FDS_IV);
  return toUrlB64(Buffer.concat([c.update(plain), c.final()]));
}

export const objKeyText = (key: Buffer): string => toUrlB64(key);

/** FDS file id: b64url(u32le time, u8 tz, u8 (1<<7 | proto<<2 | fileType)) + "_" + b64url(SHA-1(sid)). */
export function suffixOf(time: number, tz: number, proto: number, fileType: number, sid: string): string {
  const id = Buffer.alloc(6);
  id.writeUInt32LE(time >>> 0, 0);
  id.writeUInt8(tz & 0xff, 4);
  id.writeUInt8((128 | (proto << 2) | fileType) & 0xff, 5);
  return `${toUrlB64(id)}_${toUrlB64(createHash('sha1').update(sid).digest())}`;
}

export const md5Upper = (text: string): string => createHash('md5').update(text).digest('hex').toUpperCase();
export const stsSign = (nonce: string, ssecurity: string): string => sha1b64(`nonce=${nonce}&${ssecurity}`);
