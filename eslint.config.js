import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.scratch*/',
      'segloss-out/',
      'web/dist/',
      'runs/',
      'fixtures/**/*.py',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The lab's pages and worker (browser globals; bundled by scripts/build-web.ts).
    files: ['web/**/*.ts'],
    languageOptions: {
      globals: {
        self: 'readonly',
        location: 'readonly',
        history: 'readonly',
        Worker: 'readonly',
        Blob: 'readonly',
        ImageData: 'readonly',
        OffscreenCanvas: 'readonly',
        URLSearchParams: 'readonly',
        MessageEvent: 'readonly',
        MouseEvent: 'readonly',
        navigator: 'readonly',
        crossOriginIsolated: 'readonly',
      },
    },
  },
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        document: 'readonly',
        window: 'readonly',
        requestAnimationFrame: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
);
