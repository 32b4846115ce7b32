// The body encryption of the Zepp app's newer login (request header
// `x-hm-ekv: 1`): the whole application/x-www-form-urlencoded body is
// encrypted with AES-128-CBC, PKCS#7 padding, a fixed key and IV built into
// the Android app (obfuscation, not a secret), and sent as raw bytes.
// Sources: fengfeng225/wxshuabushu:mimotion/util/zepp_helper.py@4aac6c4a
// (urlencode → encrypt_data(HM_AES_KEY, HM_AES_IV) → raw body, header
// x-hm-ekv: 1); nukix/toolbox:plugin/utility/sport/XiaomiSport.php
// (openssl_encrypt(http_build_query(..), 'AES-128-CBC', key, OPENSSL_RAW_DATA, iv));
// notes/zepp-sources.md §1.1 B. The same key and IV appear in every client found.
import { createCipheriv } from 'node:crypto';

export const ZEPP_EKV_KEY = 'xeNtBVqzDc6tuNTh';
export const ZEPP_EKV_IV = 'MAAAYAAAAAAAAABg';

/** Encrypts a urlencoded form for an `x-hm-ekv: 1` request (node's auto-padding is PKCS#7). */
export function encryptEkvBody(plain: string): Uint8Array {
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(ZEPP_EKV_KEY, 'utf8'), Buffer.from(ZEPP_EKV_IV, 'utf8'));
  return new Uint8Array(Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]));
}
