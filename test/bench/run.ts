// Benchmark runner (`npm run bench`): imports every test/bench/*.bench.ts in
// name order and runs its `bench()`, which prints its own lines. Add a
// benchmark by adding a file; `npm run bench -- NAME` runs only files whose name contains NAME.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  bench: () => Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`bench: no test/bench/*.bench.ts file matches ${JSON.stringify(filter)}`);
  process.exit(2);
}

for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as Partial<BenchModule>;
  if (typeof mod.bench !== 'function') {
    console.error(`bench: ${file} exports no bench() function`);
    process.exitCode = 1;
    continue;
  }
  console.log(`\n== ${file}`);
  await mod.bench();
}
