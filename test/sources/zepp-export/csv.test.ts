import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/archive/index.js';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function rows(text: string | Uint8Array, chunk: number): Promise<string[][]> {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const out: string[][] = [];
  for await (const r of parseCsv(chunksOf(bytes, chunk))) out.push([...r]);
  return out;
}

describe('parseCsv', () => {
  const text = '\uFEFFa;b;c\r\n"x;1";"say ""hi""";"two\nlines"\r\n\r\n3;;é€\r\nlast;row;no-newline';
  const expected = [
    ['a', 'b', 'c'],
    ['x;1', 'say "hi"', 'two\nlines'],
    ['3', '', 'é€'],
    ['last', 'row', 'no-newline'],
  ];

  it('gives the same rows whatever the chunk size (quotes, escapes, multi-byte characters split across chunks)', async () => {
    for (const size of [1, 2, 3, 5, 7, 64, 4096]) expect(await rows(text, size)).toEqual(expected);
  });

  it('detects the separator from the header', async () => {
    expect(await rows('a,b\n1,2\n', 3)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(await rows('a\tb\n1\t2\n', 3)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('decodes UTF-16LE with BOM', async () => {
    const bytes = new Uint8Array(Buffer.from('\uFEFFa,b\r\n1,ü\r\n', 'utf16le'));
    for (const size of [1, 3, 64])
      expect(await rows(bytes, size)).toEqual([
        ['a', 'b'],
        ['1', 'ü'],
      ]);
  });

  it("text in neither UTF-8 nor UTF-16 is the file's own failure, naming where", async () => {
    const latin1 = new Uint8Array(Buffer.from('a,b\n1,caf\xE9\n', 'latin1'));
    const read = async () => {
      for await (const _ of parseCsv(chunksOf(latin1, 4), { where: 'export.zip: x.csv' })) void _;
    };
    await expect(read()).rejects.toMatchObject({
      code: 'source_file_invalid',
      message: 'export.zip: x.csv: not UTF-8 or UTF-16 text (re-saved with another encoding?)',
    });
  });
});
