// A cloud's answer is untrusted input like a file: its body is read within the
// per-file budget (limits.fileBytes), so a service that streams gigabytes, by
// mistake or on purpose, meets a clear error instead of an exhausted heap.
import { overLimitMessage } from '../core/limits.js';
import { BandsyncError } from '../sync/failures.js';

/** The body as text; `where` names the answer in the error ("Zepp history"), never its URL (tokens ride there). */
export async function readResponseText(res: Response, where: string, fileBytes: number): Promise<string> {
  const over = (what: string) =>
    new BandsyncError('source_over_limit', overLimitMessage(where, what, 'fileBytes', fileBytes));
  const declared = Number(res.headers.get('content-length'));
  if (declared > fileBytes) {
    await res.body?.cancel();
    throw over(`an answer of ${declared} bytes`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > fileBytes) {
      await reader.cancel();
      throw over(`an answer of more than ${total} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
