// The store contract on the PostgreSQL server, in a schema of its own.
import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { describeStoreContract } from './contract.js';
import { dropSchema, tempDir, TEST_DATABASE_URL, uniqueSchema } from './helpers.js';

const dir = tempDir();
const schema = uniqueSchema('contract');
afterAll(async () => {
  await dropSchema(schema);
  dir.remove();
});

describeStoreContract('PostgreSQL', () =>
  openStore({
    dataDir: dir.path,
    databaseUrl: TEST_DATABASE_URL,
    schema,
    secretKey: randomBytes(32).toString('base64'),
    queue: { pollIntervalMs: 200 },
  }),
);
