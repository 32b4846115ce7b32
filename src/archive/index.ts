// Reading untrusted files and archives within budgets, shared by every source
// that reads files (files, zepp-export, gadgetbridge) and by inspect/convert.
export { fileInvalid, overLimit, passwordProblem } from './errors.js';
export { readFileWithin, type ReadWithinOptions } from './read-file.js';
export { readResponseText } from './read-response.js';
export { gunzipWithin, maybeGunzip, isGzip } from './gzip.js';
export {
  ZipArchive,
  entryRevision,
  isFileEntry,
  openZipFile,
  readZipDirectory,
  readZipEntry,
  streamZipEntry,
  type ReadEntryOptions,
  type ZipEntry,
} from './zip.js';
export { parseCsv, detectSeparator, splitHeader, type CsvOptions, type Row } from './csv.js';
