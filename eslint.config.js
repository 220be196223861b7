// ESLint flat config (issue 15): @eslint/js and typescript-eslint recommended, with eslint-config-prettier
// last so formatting is prettier's alone. typescript-eslint comes from tools/eslint-typescript, which gives it
// the TypeScript JS API it needs (6.0): the project's own compiler, TypeScript 7, has none (see its README).
import js from '@eslint/js';
import tseslint from '@todo-platform/eslint-typescript';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';

export default defineConfig(
  // Generated or not ours: compiled output, synthesized manifests, installed packages and the pinned
  // Node.js the Makefile installs (.tools/), local databases.
  globalIgnores(['dist/', 'build/', 'constructs/lib/', '**/node_modules/', '.tools/', '.data/', 'test-results/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'project/node',
    ignores: ['services/frontend/src/**'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'project/browser',
    files: ['services/frontend/src/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'project/mocha',
    files: ['**/test/**'],
    languageOptions: { globals: globals.mocha },
  },
  {
    name: 'project/commonjs',
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    // A CommonJS module (the mocha reporter) can only load its dependencies with require().
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'project/rules',
    rules: {
      // As tsc's noUnusedLocals/noUnusedParameters: a leading underscore marks a binding unused on purpose,
      // and rest siblings are how an object is copied without some keys.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    name: 'project/todo-api',
    files: ['services/todo-api/src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='ip']",
          message:
            "Use clientAddress(ctx) (src/http/peerAddress.ts): Koa's ctx.ip caches the address on the request object, giving requests two hidden classes and every request getter polymorphic.",
        },
      ],
    },
  },
  prettier,
);
