export { createFilesSource, FILES_CAPABILITIES, type FilesSourceOptions } from './source.js';
export { watchDirectory, type WatchOptions } from './watch.js';
export { isWorkoutFileName, isZipFileName } from './client.js';
