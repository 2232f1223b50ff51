import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const KAFKAJS = { name: 'kafkajs', message: 'Use src/platform/kafka.ts' };
const PROM_CLIENT = { name: 'prom-client', message: 'Use src/platform/metrics.ts' };

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', 'src/platform/db/migrations/'] },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // kafkajs and prom-client are each wrapped in exactly one module, so the rest of the code depends on our
      // transport and our metrics, not on the clients.
      'no-restricted-imports': ['error', { paths: [KAFKAJS, PROM_CLIENT] }],
    },
  },
  { files: ['src/platform/kafka.ts'], rules: { 'no-restricted-imports': ['error', { paths: [PROM_CLIENT] }] } },
  { files: ['src/platform/metrics.ts'], rules: { 'no-restricted-imports': ['error', { paths: [KAFKAJS] }] } },
  // A separate process the restart test kills with SIGKILL: plain JavaScript, so it cannot load our TypeScript.
  { files: ['tests/support/stale-member.mjs'], rules: { 'no-restricted-imports': 'off' } },
);
