export { createZeppExportSource, ZEPP_EXPORT_CAPABILITIES, type ZeppExportOptions } from './source.js';
