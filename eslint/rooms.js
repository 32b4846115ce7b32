// The architecture's rooms and their allowed arrows (DESIGN §4), enforced by
// `npm run check` through the rule below and shown in docs/architecture.md
// (test/architecture/boundaries.test.ts keeps the two the same). Every file
// under src/ is in exactly one room; a file in none is an error, so a new
// folder or top-level module gets a place here before it lands.
import path from 'node:path';

/** Room of a path relative to src/ ('sources/files/zip.ts' → 'sources/files'), or null when it has none. */
export function roomOf(rel) {
  const parts = rel.split('/');
  if (parts[0] === 'sources' && parts.length > 2) return `sources/${parts[1]}`;
  if (parts.length > 1) return FOLDER_ROOMS.includes(parts[0]) ? parts[0] : null;
  return FILE_ROOMS[parts[0].replace(/\.[jt]s$/, '')] ?? null;
}

const FOLDER_ROOMS = [
  'core',
  'sync',
  'app',
  'archive',
  'strava',
  'store',
  'server',
  'cli',
  'local-api',
  'observability',
  'simulators',
  'config',
];
const FILE_ROOMS = {
  config: 'config',
  compose: 'compose',
  daemon: 'daemon',
  'dashboard-engine': 'daemon',
  clock: 'shared',
  loopback: 'shared',
  'process-alive': 'shared',
  'private-files': 'shared',
};

/**
 * What each room may import besides itself. `sources/*` is every source
 * folder. The composition root alone may import everything.
 */
export const ROOMS = {
  core: [],
  sync: ['core'],
  shared: ['core', 'sync'],
  archive: ['core', 'sync'],
  'sources/*': ['core', 'sync', 'archive', 'sources/zepp-common'],
  strava: ['core', 'sync'],
  store: ['core', 'sync', 'shared'],
  config: ['core'],
  observability: ['core', 'sync', 'config', 'shared', 'local-api'],
  app: ['core', 'sync', 'config', 'observability', 'shared'],
  server: ['core', 'sync', 'app', 'shared'],
  'local-api': ['core', 'sync', 'app', 'shared'],
  cli: [
    'core',
    'sync',
    'app',
    'archive',
    'config',
    'observability',
    'local-api',
    'simulators',
    'shared',
    'compose',
    'daemon',
  ],
  daemon: ['core', 'sync', 'app', 'config', 'observability', 'local-api', 'server', 'shared', 'compose'],
  simulators: ['core'],
  compose: ['*'],
};

/** Single files one room may reach in another, each with the reason it is not a room of its own yet. */
export const EXCEPTIONS = [
  {
    from: 'sources/mi-fitness-export',
    to: 'sources/mi-fitness/',
    why: 'the export holds the records the cloud source decodes',
  },
  { from: 'cli', to: 'server/password.ts', why: '`config hash-password` makes the dashboard password hash' },
  {
    from: 'local-api',
    to: 'server/sessions.ts',
    why: "one constant-time comparison for the dashboard's and the local API's tokens",
  },
];

function allowed(from, to, targetRel) {
  if (from === to) return true;
  const rule = ROOMS[from] ?? (from.startsWith('sources/') ? ROOMS['sources/*'] : null);
  if (!rule) return false;
  if (rule.includes('*') || rule.includes(to)) return true;
  return EXCEPTIONS.some((e) => e.from === from && (targetRel === e.to || targetRel.startsWith(e.to)));
}

/** ESLint plugin: `rooms/imports` checks every relative import, re-export and import() under src/. */
export function roomsPlugin(srcDir) {
  const relToSrc = (file) => path.relative(srcDir, file).split(path.sep).join('/');
  return {
    rules: {
      imports: {
        meta: { type: 'problem', schema: [] },
        create(context) {
          const file = context.filename;
          const rel = relToSrc(file);
          if (rel.startsWith('..')) return {};
          const from = roomOf(rel);
          if (!from)
            return {
              Program(node) {
                context.report({
                  node,
                  message: `src/${rel} is in no room: give it one in eslint/rooms.js and docs/architecture.md.`,
                });
              },
            };
          const check = (node, source) => {
            if (!source || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
            const target = relToSrc(path.resolve(path.dirname(file), source.value)).replace(/\.js$/, '.ts');
            if (target.startsWith('..')) return;
            const to = roomOf(target);
            if (to && allowed(from, to, target)) return;
            context.report({
              node,
              message: `src/${rel} (room ${from}) may not import src/${target} (room ${to ?? 'none'}); ${from} may import ${describe(from)} (docs/architecture.md).`,
            });
          };
          return {
            ImportDeclaration: (node) => check(node, node.source),
            ExportNamedDeclaration: (node) => check(node, node.source),
            ExportAllDeclaration: (node) => check(node, node.source),
            ImportExpression: (node) => check(node, node.source),
          };
        },
      },
    },
  };
}

function describe(from) {
  const rule = ROOMS[from] ?? ROOMS['sources/*'];
  return rule.length ? rule.join(', ') : 'nothing outside itself';
}
