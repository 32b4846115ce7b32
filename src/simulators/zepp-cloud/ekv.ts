// The simulator's side of the Zepp app's encrypted login body (`x-hm-ekv: 1`):
// AES-128-CBC, PKCS#7, the app's fixed key and IV, over the whole urlencoded
// form (see src/sources/zepp-cloud/ekv.ts for the sources). Written apart from
// the client's module on purpose: the simulator stands for the real server and
// must not share the client's code.
import { createCipheriv, createDecipheriv } from 'node:crypto';

const KEY = Buffer.from('xeNtBVqzDc6tuNTh', 'utf8');
const IV = Buffer.from('MAAAYAAAAAAAAABg', 'utf8');

/** The decrypted form, or null when the body is not a valid ciphertext (wrong key, padding, length). */
export function decryptEkvForm(body: Uint8Array): URLSearchParams | null {
  if (body.length === 0 || body.length % 16 !== 0) return null;
  try {
    const decipher = createDecipheriv('aes-128-cbc', KEY, IV);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    return new URLSearchParams(plain);
  } catch {
    return null;
  }
}

/** Encrypts bytes the way the server's error bodies are (used for the binary answer to a misplaced header). */
export function encryptEkv(plain: string): Uint8Array<ArrayBuffer> {
  const cipher = createCipheriv('aes-128-cbc', KEY, IV);
  return new Uint8Array(Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]));
}
