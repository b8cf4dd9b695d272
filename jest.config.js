// One jest run for the whole monorepo. TypeScript is transpiled by @swc/jest (fast, no type
// checking: `npm run typecheck` does that). NATS-backed suites each start their own throwaway
// nats-server through @ala/testkit (~50 ms), so fault tests can stop and restart theirs.
const fs = require('node:fs');
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  // node, with the main realm's typed-array constructors (onnxruntime-node checks instanceof).
  testEnvironment: '<rootDir>/jest.environment.js',
  roots: ['packages', 'services', 'tests', 'bench'].filter((d) => fs.existsSync(path.join(__dirname, d))).map((d) => `<rootDir>/${d}`),
  testMatch: ['**/*.test.ts'],
  // tests/llm needs a real LLM server (scripts/install-llm.sh): `npm run test:llm` runs it (jest.llm.config.js);
  // tests/faults kills servers and times the actor: `npm run test:faults` runs it alone (jest.faults.config.js)
  // tests/minecraft needs the optional Minecraft package: `npm run test:minecraft` runs it (jest.minecraft.config.js)
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/llm/', '<rootDir>/tests/faults/', '<rootDir>/tests/minecraft/'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  testTimeout: 30000,
};
