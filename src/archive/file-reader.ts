// zip.js reads an archive through this: random access to a file on disk by
// byte range, never the whole file. Each read opens and closes the file, so
// an archive kept open between fetches holds no descriptor. One read larger
// than `maxRead` is refused: zip.js reads entry data in small chunks, so only
// a central directory can ask for that much, and one that big is hostile.
import { open, stat } from 'node:fs/promises';
import { Reader } from '@zip.js/zip.js';

export class DirectoryTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(`a read of ${bytes} bytes`);
  }
}

export class FileRangeReader extends Reader<string> {
  constructor(
    private readonly file: string,
    private readonly maxRead: number,
  ) {
    super(file);
  }

  override async init(): Promise<void> {
    await super.init?.();
    this.size = (await stat(this.file)).size;
  }

  override async readUint8Array(index: number, length: number): Promise<Uint8Array> {
    const wanted = Math.max(0, Math.min(length, this.size - index));
    if (wanted > this.maxRead) throw new DirectoryTooLarge(wanted);
    const fh = await open(this.file, 'r');
    try {
      const bytes = new Uint8Array(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await fh.read(bytes, filled, wanted - filled, index + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === wanted ? bytes : bytes.subarray(0, filled);
    } finally {
      await fh.close();
    }
  }
}
