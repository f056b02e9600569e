// Lint rules, including the folder import rules of DESIGN.md ("Folders and what may import what").
// The per-folder tsconfigs enforce the platform side (no DOM in shared/, no Node types in renderer/);
// these rules enforce which folders and packages each layer may import.
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', ...builtinModules];
const uiPackages = ['react', 'react-dom', 'react-dom/*', 'react/*', '@xyflow/*', 'zustand', 'zustand/*'];
const nativePackages = ['onnxruntime-node', 'sharp', 'ws'];

function restrict(message, groups) {
  return ['error', { patterns: [{ group: groups, message }] }];
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'resources/**', 'test-results/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict('shared/ is platform-neutral: no Node, Electron, DOM/React or app-layer imports.', [
        ...nodeBuiltins,
        'electron',
        ...uiPackages,
        ...nativePackages,
        '**/renderer/**',
        '**/electron/**',
      ]),
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    rules: {
      'no-restricted-imports': restrict('renderer/ talks to the engine only through shared/api: no Node, Electron or engine imports.', [
        ...nodeBuiltins,
        'electron',
        ...nativePackages,
        '**/electron/**',
      ]),
    },
  },
  {
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts', 'electron/server/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict('The engine, CLI and server never import Electron or the renderer.', ['electron', '**/renderer/**', ...uiPackages, '**/main/**', '**/preload/**']),
    },
  },
  {
    files: ['electron/main/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict('electron/main imports only electron, node:* and shared/ (it loads the built renderer by path).', [
        '**/renderer/**',
        '**/engine/**',
        '**/cli/**',
        '**/server/**',
        '**/preload/**',
        ...uiPackages,
        ...nativePackages,
      ]),
    },
  },
  {
    files: ['electron/preload/**/*.cts', 'electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**', '!electron'],
              allowTypeImports: true,
              message: 'The preload script imports electron and types from shared/api only.',
            },
            { group: ['**/renderer/**', '**/engine/**', '**/main/**', '**/cli/**', '**/server/**'], message: 'The preload script imports types from shared/api only.' },
          ],
        },
      ],
    },
  },
);
