// `npm run test:llm`: the suites that need a real LLM server (llama-server + SmolLM2-135M, installed
// by scripts/install-llm.sh), one file at a time (the server and the runs share 2 cores).
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tests/llm'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 150000,
  maxWorkers: 1,
};
