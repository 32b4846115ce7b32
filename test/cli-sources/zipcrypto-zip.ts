// Writes password-protected zips the way Zepp sends its data export
// (traditional PKWARE "ZipCrypto", deflate), following APPNOTE.TXT §6.1,
// independently of bandsync's reader: node:zlib does the deflate and CRC.
import { crc32, deflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** APPNOTE 6.1.5: the three keys, updated with each plaintext byte. */
function zipCryptoEncrypter(password: string) {
  let k0 = 305419896,
    k1 = 591751049,
    k2 = 878082192;
  const crcStep = (crc: number, b: number) => (CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8)) >>> 0;
  const update = (b: number) => {
    k0 = crcStep(k0, b);
    k1 = Number((BigInt(k1 + (k0 & 0xff)) * 134775813n + 1n) & 0xffffffffn) >>> 0;
    k2 = crcStep(k2, k1 >>> 24);
  };
  for (const b of Buffer.from(password, 'utf8')) update(b);
  return (plain: Uint8Array): Buffer => {
    const out = Buffer.alloc(plain.length);
    for (let i = 0; i < plain.length; i++) {
      const t = (k2 | 2) & 0xffff;
      const key = ((t * (t ^ 1)) >>> 8) & 0xff;
      out[i] = plain[i]! ^ key;
      update(plain[i]!);
    }
    return out;
  };
}

/** A zip whose every entry is deflated and ZipCrypto-encrypted with `password`. */
export function zipCryptoZip(files: Record<string, Uint8Array | string>, password: string): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    const crc = crc32(data) >>> 0;
    const deflated = deflateRawSync(data);
    const encrypt = zipCryptoEncrypter(password);
    // 12-byte header: 11 random bytes, then the CRC's high byte (the reader's password check).
    const header = Buffer.concat([randomBytes(11), Buffer.from([crc >>> 24])]);
    const body = Buffer.concat([encrypt(header), encrypt(deflated)]);
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0001 | 0x0800, 6); // encrypted, UTF-8 name
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0001 | 0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
