// Traditional PKWARE zip encryption ("ZipCrypto"), decrypt side only: the
// Zepp / Mi Fit export arrives as a password-protected zip, and reading it in
// place (never unpacked to disk) needs this. Weak crypto, but it is the
// format; WinZip AES entries (method 99) are read by zip-aes.ts.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const crcByte = (crc: number, b: number): number => (CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8)) >>> 0;

export class ZipCryptoDecipher {
  private k0 = 0x12345678;
  private k1 = 0x23456789;
  private k2 = 0x34567890;

  constructor(password: Uint8Array) {
    for (const b of password) this.update(b);
  }

  private update(b: number): void {
    this.k0 = crcByte(this.k0, b);
    this.k1 = (Math.imul((this.k1 + (this.k0 & 0xff)) >>> 0, 134775813) + 1) >>> 0;
    this.k2 = crcByte(this.k2, this.k1 >>> 24);
  }

  private streamByte(): number {
    const t = (this.k2 | 2) & 0xffff;
    return (Math.imul(t, t ^ 1) >>> 8) & 0xff;
  }

  /** Decrypts in place and returns the same buffer. */
  decrypt(data: Uint8Array): Uint8Array {
    for (let i = 0; i < data.length; i++) {
      const plain = data[i]! ^ this.streamByte();
      this.update(plain);
      data[i] = plain;
    }
    return data;
  }
}

/**
 * Checks the 12-byte encryption header: its last byte must equal the high
 * byte of the CRC (or of the DOS time when sizes follow in a data descriptor).
 * A mismatch means a wrong password (1 in 256 wrong passwords slip through and
 * then fail on inflate or on the CRC).
 */
export function checkEncryptionHeader(decipher: ZipCryptoDecipher, header: Uint8Array, check: number): boolean {
  const plain = decipher.decrypt(Uint8Array.from(header));
  return plain[11] === check;
}
