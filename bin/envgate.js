#!/usr/bin/env node
// envgate runs straight from its TypeScript sources: tsx compiles them on load, so a fresh clone needs no
// build step and the CLI, the tests and the server always run the same code.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
