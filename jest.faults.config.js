// `npm run test:faults`: the fault suite (tests/faults: servers and services killed, a full disk,
// bursts, malformed input), one file at a time: the suites kill processes and time the actor.
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/tests/faults'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
