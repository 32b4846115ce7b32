// The store contract on the embedded engine (PGlite in a temp data dir).
import { afterAll } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { describeStoreContract } from './contract.js';
import { tempDir } from './helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describeStoreContract('PGlite', () => openStore({ dataDir: dir.path, queue: { pollIntervalMs: 200 } }));
