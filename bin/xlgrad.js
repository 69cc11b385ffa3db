#!/usr/bin/env node
// The `xlgrad` command. An installed package runs the JavaScript in lib/, built
// by `npm run build:lib` (npm's `prepare` runs it on install). A source checkout,
// which has src/ beside lib/ (the package ships no src/), runs the TypeScript
// through tsx instead, so the command there is never older than the sources.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import('../lib/cli/main.js'));
}
process.exitCode = await main(process.argv.slice(2));
