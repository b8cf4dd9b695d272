// The jest environment of every suite (jest.config.js). Jest runs tests in a separate V8 realm,
// but ORT's native binding returns typed arrays of the main realm, and onnxruntime-common then
// rejects them (`data must be type of Float32Array`). Sharing the main realm's typed-array
// constructors with the sandbox makes `instanceof` agree. Must not: change anything else.
'use strict';
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Float32Array',
  'Float64Array',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'BigInt64Array',
  'BigUint64Array',
];

class OrtEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OrtEnvironment;
