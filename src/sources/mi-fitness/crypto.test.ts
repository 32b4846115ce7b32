// The RC4-secured request scheme both ways: the client's signer and RC4
// against RFC 6229's published keystream, and against the simulator's
// separately written server side (it verifies and decrypts what the client
// sends; the client decrypts what it answers). Also the FDS AES and file ids.
import { describe, expect, it } from 'vitest';
import { miSimCipher } from '../../simulators/mi-fitness/index.js';
import { decryptFds, makeNonce, rc4DecryptText, rc4Drop, signRequest, signedNonce } from './crypto.js';
import { fdsSuffix } from './fds.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('RC4 with 1024 bytes dropped', () => {
  const key = new Uint8Array([1, 2, 3, 4, 5]);
  it('matches RFC 6229 (key 0x0102030405) at offsets 0 and 1024', () => {
    expect(hex(rc4Drop(key, new Uint8Array(16), 0))).toBe('b2396305f03dc027ccc3524a0a1118a8');
    expect(hex(rc4Drop(key, new Uint8Array(16)))).toBe('30abbcc7c20b01609f23ee2d5f6bb7df');
  });
  it('is its own inverse', () => {
    const data = new Uint8Array(Buffer.from('{"start_time":1,"limit":50}'));
    expect(rc4Drop(key, rc4Drop(key, data))).toEqual(data);
  });
});

describe('signed requests', () => {
  const ssecurity = Buffer.alloc(16, 7).toString('base64');
  const nonce = makeNonce(Date.UTC(2026, 0, 1), new Uint8Array(8).fill(9));
  const plain = JSON.stringify({ start_time: 1700000000, end_time: 1800000000, limit: 50, reverse: true });

  it('the nonce is 8 random bytes then the big-endian minute counter', () => {
    const bytes = Buffer.from(nonce, 'base64');
    expect(bytes.length).toBe(12);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.alloc(8, 9));
    expect(bytes.readInt32BE(8)).toBe(Math.floor(Date.UTC(2026, 0, 1) / 60000));
  });

  it('client → server: the simulator verifies both signatures and decrypts the data', () => {
    const form = signRequest({ signPath: '/app/v1/data/get_sport_records_by_time', plain, ssecurity, nonce });
    expect(form.nonceKey).toBe(miSimCipher.nonceKeyOf(ssecurity, nonce));
    const opened = miSimCipher.openSignedForm({ ...form }, '/app/v1/data/get_sport_records_by_time', ssecurity);
    expect(opened).toMatchObject({ ok: true, plain });
  });

  it('a changed value, path or key is refused by the server', () => {
    const form = signRequest({ signPath: '/service/gen_download_url', plain, ssecurity, nonce });
    expect(miSimCipher.openSignedForm({ ...form }, '/healthapp/service/gen_download_url', ssecurity).ok).toBe(false);
    const other = Buffer.alloc(16, 8).toString('base64');
    expect(miSimCipher.openSignedForm({ ...form }, '/service/gen_download_url', other).ok).toBe(false);
    const tampered = { ...form, data: form.data.slice(0, -4) + 'AAA=' };
    expect(miSimCipher.openSignedForm(tampered, '/service/gen_download_url', ssecurity).ok).toBe(false);
  });

  it('server → client: an encrypted answer decrypts with the signed nonce', () => {
    const key = signedNonce(ssecurity, nonce);
    const answer = { code: 0, message: 'ok', result: { sport_records: [], has_more: false } };
    expect(JSON.parse(rc4DecryptText(key, miSimCipher.sealAnswer(key, answer)))).toEqual(answer);
  });
});

describe('FDS objects', () => {
  it('AES-128-CBC with the fixed IV, URL-safe base64, as the simulator serves them', () => {
    const key = Buffer.alloc(16, 3);
    const plain = new Uint8Array(Array.from({ length: 100 }, (_, i) => i));
    const body = miSimCipher.sealFds(plain, key);
    expect(decryptFds(body, miSimCipher.objKeyText(key))).toEqual(plain);
    expect(decryptFds(JSON.stringify(body), miSimCipher.objKeyText(key))).toEqual(plain);
  });
  it('file ids agree with the simulator and carry time, timezone and type byte', () => {
    const suffix = fdsSuffix(1784453950, 28, 22, 2, 'xiaomiwear_app');
    expect(suffix).toBe(miSimCipher.suffixOf(1784453950, 28, 22, 2, 'xiaomiwear_app'));
    const id = Buffer.from(suffix.split('_')[0]!, 'base64url');
    expect(id.readUInt32LE(0)).toBe(1784453950);
    expect(id[4]).toBe(28);
    expect(id[5]).toBe(128 + (22 << 2) + 2);
  });
});
