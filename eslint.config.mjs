// Lint rules for the whole monorepo (flat config, typescript-eslint with type information).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The maths package must stay pure: no I/O, no transport, no framework imports.
const ioModules = [
  'fs',
  'fs/*',
  'node:*',
  'net',
  'http',
  'https',
  'child_process',
  'worker_threads',
  'dgram',
  'os',
  'path',
  '@nats-io/*',
  '@ala/bus',
  '@ala/testkit',
  '@ala/policy',
  '@ala/envs',
  '@tensorflow/*',
  'onnxruntime-node',
  'msgpackr',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tools/**',
      'runs/**',
      'coverage/**',
      'packages/rl-core/assembly/**',
      'packages/policy/assembly/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      'examples/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Every random choice takes a seeded generator (see @ala/rl-core createRng).' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name=/^(only|skip)$/]',
          message: 'Focused or skipped tests hide failures.',
        },
      ],
    },
  },
  {
    // A service touches NATS only in its I/O modules (STYLE.md): main.ts (connect, streams),
    // service.ts (every edge) and nats-io.ts (JetStream ports). Elsewhere only the clock seam of
    // @ala/bus (types, systemClock) is allowed. And no service imports another: shared code lives
    // in packages/*. A worker thread's entry (*-worker.ts) is its own main + service.
    files: ['services/*/src/**/*.ts'],
    ignores: ['services/*/src/main.ts', 'services/*/src/service.ts', 'services/*/src/nats-io.ts', 'services/*/src/*-worker.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@ala/bus',
              allowTypeImports: true,
              allowImportNames: ['systemClock'],
              message: 'Only main.ts, service.ts and nats-io.ts of a service import @ala/bus (its clock seam aside).',
            },
          ],
          patterns: [
            {
              regex: '^@ala/(actor-runner|ppo-learner|advisor-worker|vote-aggregator|bias-router)(/|$)',
              message: 'A service must not import another service; move shared code to packages/*.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/*/src/main.ts', 'services/*/src/service.ts', 'services/*/src/nats-io.ts', 'services/*/src/*-worker.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@ala/(actor-runner|ppo-learner|advisor-worker|vote-aggregator|bias-router)(/|$)',
              message: 'A service must not import another service; move shared code to packages/*.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/rl-core/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ioModules, message: '@ala/rl-core is pure maths: no I/O or framework imports (STYLE.md).' }] }],
      'no-restricted-globals': ['error', 'process', 'require', 'fetch', 'setTimeout', 'setInterval', 'performance'],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Take a seeded generator as an argument.' },
        { object: 'Date', property: 'now', message: 'Take a clock as an argument.' },
      ],
    },
  },
);
