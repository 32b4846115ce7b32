// WinZip AES zip encryption (AE-1 / AE-2, "AES Encryption Information:
// Encryption Specification AE-1 and AE-2"), decrypt side only. An entry's
// data is salt + 2-byte password verifier + AES-CTR ciphertext + 10-byte
// HMAC-SHA1 of the ciphertext; the keys come from PBKDF2-HMAC-SHA1 over the
// password and salt. AES itself is node:crypto's; only WinZip's counter
// (little-endian, starting at 1, unlike OpenSSL's big-endian aes-*-ctr) is
// built here, as the keystream from AES-ECB over the counter blocks.
import { createCipheriv, createHmac, pbkdf2, timingSafeEqual, type Cipher, type Hmac } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** Compression method 99 marks an AES entry; the real method is in the 0x9901 extra field. */
export const AES_METHOD = 99;
export const AES_EXTRA_ID = 0x9901;
export const AES_VERIFIER_LENGTH = 2;
export const AES_MAC_LENGTH = 10;
const PBKDF2_ITERATIONS = 1000;
const BLOCK = 16;

export type AesStrength = 1 | 2 | 3; // AES-128 / 192 / 256

export interface AesInfo {
  /** 1 = AE-1 (the CRC is kept and checked), 2 = AE-2 (the CRC is 0 and not used). */
  readonly vendorVersion: 1 | 2;
  readonly strength: AesStrength;
  /** The entry's actual compression method (0 stored, 8 deflate). */
  readonly method: number;
}

export const aesSaltLength = (strength: AesStrength): number => 4 + 4 * strength; // 8, 12, 16
const aesKeyLength = (strength: AesStrength): number => 8 + 8 * strength; // 16, 24, 32

/** Bytes an AES entry adds around its (compressed) data: salt, verifier, authentication code. */
export const aesOverhead = (strength: AesStrength): number =>
  aesSaltLength(strength) + AES_VERIFIER_LENGTH + AES_MAC_LENGTH;

/**
 * Finds the AES record (0x9901) in an entry's extra field. Null when there is
 * none; a reason when there is one this reader cannot use.
 */
export function parseAesExtra(extra: Uint8Array): AesInfo | string | null {
  const view = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
  for (let p = 0; p + 4 <= extra.length;) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (id === AES_EXTRA_ID) {
      if (size < 7 || p + 4 + 7 > extra.length) return 'its AES extra field is too short';
      const vendorVersion = view.getUint16(p + 4, true);
      const vendorId = String.fromCharCode(extra[p + 6]!, extra[p + 7]!);
      const strength = extra[p + 8]!;
      const method = view.getUint16(p + 9, true);
      if (vendorId !== 'AE') return `its AES extra field names vendor "${vendorId}", not "AE"`;
      if (vendorVersion !== 1 && vendorVersion !== 2)
        return `it uses AES vendor version ${vendorVersion}; only AE-1 and AE-2 are known`;
      if (strength !== 1 && strength !== 2 && strength !== 3)
        return `it declares AES strength ${strength}; only 1-3 (128/192/256-bit) exist`;
      return { vendorVersion, strength, method };
    }
    p += 4 + size;
  }
  return null;
}

export interface AesKeys {
  readonly decipher: AesCtrDecipher;
  readonly authenticator: AesAuthenticator;
  /** The 2-byte password verifier the keys predict; compared with the one stored after the salt. */
  readonly verifier: Uint8Array;
}

/** PBKDF2-HMAC-SHA1(password, salt, 1000) → AES key, HMAC key, verifier. */
export async function deriveAesKeys(password: Uint8Array, salt: Uint8Array, strength: AesStrength): Promise<AesKeys> {
  const keyLength = aesKeyLength(strength);
  const derived = await pbkdf2Async(password, salt, PBKDF2_ITERATIONS, 2 * keyLength + AES_VERIFIER_LENGTH, 'sha1');
  return {
    decipher: new AesCtrDecipher(derived.subarray(0, keyLength)),
    authenticator: new AesAuthenticator(derived.subarray(keyLength, 2 * keyLength)),
    verifier: new Uint8Array(derived.subarray(2 * keyLength)),
  };
}

/** True when the stored verifier matches the one derived from the password. */
export function verifierMatches(keys: AesKeys, stored: Uint8Array): boolean {
  return stored.length === AES_VERIFIER_LENGTH && timingSafeEqual(keys.verifier, stored);
}

/**
 * AES in WinZip's CTR mode: the counter is a 16-byte little-endian integer,
 * 1 for the first block. Decrypts a stream in chunks of any length (the
 * unused tail of a keystream block carries over to the next chunk).
 */
export class AesCtrDecipher {
  private readonly ecb: Cipher;
  private readonly counter = Buffer.alloc(BLOCK);
  private spare: Buffer = Buffer.alloc(0); // keystream bytes left over from the last block

  constructor(key: Uint8Array) {
    this.ecb = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    this.ecb.setAutoPadding(false);
  }

  private keystream(length: number): Buffer {
    const blocks = Math.ceil(Math.max(0, length - this.spare.length) / BLOCK);
    const counters = Buffer.alloc(blocks * BLOCK);
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < BLOCK; i++) {
        // little-endian increment, carrying upwards
        this.counter[i] = (this.counter[i]! + 1) & 0xff;
        if (this.counter[i] !== 0) break;
      }
      this.counter.copy(counters, b * BLOCK);
    }
    const fresh = blocks > 0 ? this.ecb.update(counters) : Buffer.alloc(0);
    const stream = blocks > 0 ? Buffer.concat([this.spare, fresh]) : this.spare;
    this.spare = Buffer.from(stream.subarray(length)); // a copy: at most 15 bytes, not the whole chunk
    return stream;
  }

  /** Decrypts (CTR is symmetric) into a new buffer. */
  decrypt(data: Uint8Array): Uint8Array {
    const ks = this.keystream(data.length);
    const out = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ ks[i]!;
    return out;
  }
}

/** HMAC-SHA1 over the ciphertext, of which the entry stores the first 10 bytes. */
export class AesAuthenticator {
  private readonly hmac: Hmac;

  constructor(key: Uint8Array) {
    this.hmac = createHmac('sha1', key);
  }

  update(ciphertext: Uint8Array): void {
    this.hmac.update(ciphertext);
  }

  /** Call once, after every ciphertext byte went through update(). */
  matches(stored: Uint8Array): boolean {
    const code = this.hmac.digest().subarray(0, AES_MAC_LENGTH);
    return stored.length === AES_MAC_LENGTH && timingSafeEqual(code, stored);
  }
}
