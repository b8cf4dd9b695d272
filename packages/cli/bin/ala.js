#!/usr/bin/env node
// The `ala` command: registers tsx so the TypeScript sources run without a build, then starts
// the CLI. Must not: contain any logic (see src/main.ts).
'use strict';
require('tsx/cjs');
require('../src/main.ts');
