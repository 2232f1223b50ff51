import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      // kafkajs is wrapped in exactly one module, so the rest of the code depends on our transport, not the client.
      'no-restricted-imports': ['error', { paths: [{ name: 'kafkajs', message: 'Use src/platform/kafka.ts' }] }],
    },
  },
  { files: ['src/platform/kafka.ts'], rules: { 'no-restricted-imports': 'off' } },
  // A separate process the restart test kills with SIGKILL: plain JavaScript, so it cannot load our TypeScript.
  { files: ['tests/support/stale-member.mjs'], rules: { 'no-restricted-imports': 'off' } },
);
