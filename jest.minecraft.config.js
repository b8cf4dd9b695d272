// `npm run test:minecraft`: the suites that need the optional Minecraft package (installed by
// scripts/install-minecraft.sh): its unit tests, its live integration test against a local
// flying-squid server, and the end-to-end `ala up --env Minecraft-v0` test. One file at a time
// (each starts its own server; the machine has 2 cores).
const fs = require('node:fs');
const path = require('node:path');
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['optional/env-minecraft/test', 'tests/minecraft'].filter((d) => fs.existsSync(path.join(__dirname, d))).map((d) => `<rootDir>/${d}`),
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
  maxWorkers: 1,
};
