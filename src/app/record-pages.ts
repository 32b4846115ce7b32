// Reading every record of a range a page at a time (issue 17): a whole list of
// 10,000 records is one PGlite result (its WebAssembly memory grows to hold it
// and never shrinks) and 10,000 objects at once, where a page is bounded.
import type { ListedRecord, Store } from '../sync/ports.js';

type RecordFilter = Omit<Parameters<Store['listRecords']>[0], 'limit' | 'offset'>;

/** Records per page. */
export const RECORD_PAGE = 500;

/** The records `filter` matches, in listRecords' order, `size` at a time (for reads, not for what the loop changes). */
export async function* recordPages(
  store: Pick<Store, 'listRecords'>,
  filter: RecordFilter,
  size = RECORD_PAGE,
): AsyncGenerator<ListedRecord[]> {
  for (let offset = 0; ; offset += size) {
    const page = await store.listRecords({ ...filter, limit: size, offset });
    if (page.length > 0) yield page;
    if (page.length < size) return;
  }
}
