// Lint, including the architecture's import boundaries (DESIGN §4):
//  - every file under src/ is in a room and imports only the rooms its room
//    may (eslint/rooms.js, shown in docs/architecture.md);
//  - src/core uses no node:* and of packages only the FIT SDK (inside
//    core/formats/fit) and the XML parser, and no I/O, timers or clock;
//  - nothing under src/ spreads an array into a call or uses .apply(): a call
//    takes a bounded number of arguments, and a 48-hour recording has 172,800
//    samples ("Maximum call stack size exceeded", issue 13). Loop instead.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { roomsPlugin } from './eslint/rooms.js';

const srcDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');

/** core/ uses no node:* and, of packages, only those `allowed` matches (its relative imports are rooms/imports' job). */
const coreImports = (allowed, message) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: ['node:*'], message: 'core/ is pure: no node:* (DESIGN §4).' },
        { regex: allowed, message },
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'src/server/assets/vendor/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bin/**/*.js', 'scripts/**/*.mjs', '*.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      ...coreImports(
        '^(?!\\.|@garmin/fitsdk$|fast-xml-parser$)',
        'core/ may use only the FIT SDK and the XML parser among packages.',
      ),
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'core/ does no I/O.' },
        { name: 'process', message: 'core/ reads no environment.' },
        { name: 'setTimeout', message: 'core/ has no timers.' },
        { name: 'setInterval', message: 'core/ has no timers.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'core/ takes time as input, never Date.now().' },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/formats/fit/**', 'src/core/**/*.test.ts'],
    rules: coreImports(
      '^(?!\\.|fast-xml-parser$)',
      'Only core/formats/fit may use the FIT SDK; core/ uses no other packages but the XML parser.',
    ),
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(CallExpression, NewExpression) > SpreadElement.arguments',
          message: 'No spreading into a call: a long recording has more values than a call takes arguments. Loop.',
        },
        {
          selector: "CallExpression > MemberExpression.callee[property.name='apply']",
          message: 'No .apply(): it spreads an array into a call. Loop.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    plugins: { rooms: roomsPlugin(srcDir) },
    rules: { 'rooms/imports': 'error' },
  },
);
