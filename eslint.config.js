// Lint, including the architecture's import boundaries (DESIGN §4):
//  - src/core imports nothing outside src/core (the FIT SDK only inside
//    core/formats/fit, the XML parser only inside core/formats);
//  - only src/compose.ts names a concrete adapter (sources/*, strava/, store/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Concrete adapters: sources/*, strava/ (not simulators/strava, a test double), store/.
const adapterRegex = '(^|/)(sources|store)(/|$)|(^|/)(?<!simulators/)strava(/|$)';
const outsideCore = [
  'node:*',
  '**/sources/**',
  '**/strava/**',
  '**/store/**',
  '**/sync/**',
  '**/server/**',
  '**/cli/**',
  '**/simulators/**',
  '**/config',
  '**/config.js',
  '**/compose',
  '**/compose.js',
];
/** core/ imports nothing outside core/, and of packages only those `allowed` matches. */
const coreImports = (allowed, message) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { group: outsideCore, message: 'core/ is pure: it imports nothing outside core/ (DESIGN §4).' },
        { regex: allowed, message },
      ],
    },
  ],
});
const adapterRule = (message) => ({
  'no-restricted-imports': ['error', { patterns: [{ regex: adapterRegex, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'src/server/assets/vendor/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['bin/**/*.js', '*.config.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
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
    files: [
      'src/app/**/*.ts',
      'src/sync/**/*.ts',
      'src/server/**/*.ts',
      'src/cli/**/*.ts',
      'src/local-api/**/*.ts',
      'src/config.ts',
      'src/simulators/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: adapterRule('Only src/compose.ts names concrete adapters; depend on the ports in sync/ports.ts.'),
  },
  {
    files: ['src/sources/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/strava/**', '**/store/**', '**/cli/**', '**/server/**'],
              message: 'A source knows nothing of other adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/strava/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sources/**', '**/store/**', '**/cli/**', '**/server/**'],
              message: 'The Strava adapter knows nothing of other adapters.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sources/**', '**/strava/**', '**/cli/**', '**/server/**'],
              message: 'The store knows nothing of other adapters.',
            },
          ],
        },
      ],
    },
  },
);
