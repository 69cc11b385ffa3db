// xlgrad as a package another project installs: the build in lib/, what
// `npm pack` ships, `import … from "xlgrad"` in plain Node (no tsx), and the
// packed command running the built JavaScript.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'xlgrad-package-'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * lib/ is built from the current sources: `npm run build:lib` copies recalc.py
 * last, so lib/libreoffice/recalc.py is newer than every source file of a build.
 * Rebuilt only when stale (tsc takes 10–25 s; an up-to-date check is instant).
 */
function ensureBuilt(): void {
  const stamp = join(lib, 'libreoffice', 'recalc.py');
  const sources = [...filesUnder(join(root, 'src')), join(root, 'package.json'), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')];
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (!sources.some((f) => statSync(f).mtimeMs > built)) return;
  const r = spawnSync(npm, ['run', 'build:lib'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build:lib failed:\n${r.stdout}${r.stderr}`);
}

/** Runs an ES module with plain `node` (no loader) in `dir`; returns its stdout parsed as JSON. */
function nodeModule(dir: string, source: string): unknown {
  writeFileSync(join(dir, 'probe.mjs'), source);
  const r = spawnSync(process.execPath, ['probe.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

let packed: { files: { path: string }[]; filename: string };

beforeAll(() => {
  ensureBuilt();
  const out = execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  packed = (JSON.parse(out) as (typeof packed)[])[0]!;
}, 120_000);

// Removes the links into the repository, never what they point to.
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run build:lib', () => {
  it('writes JavaScript and declarations for the entry points to lib/, with recalc.py beside the LibreOffice bridge', () => {
    for (const f of ['api.js', 'api.d.ts', 'node.js', 'node.d.ts', 'index.js', 'cli/main.js', 'libreoffice/libreoffice.js', 'libreoffice/recalc.py']) {
      expect(existsSync(join(lib, f)), f).toBe(true);
    }
    expect(readFileSync(join(lib, 'libreoffice', 'recalc.py'), 'utf8')).toBe(readFileSync(join(root, 'src', 'libreoffice', 'recalc.py'), 'utf8'));
  });

  it('lib/ imports .js files, never .ts (tsc rewrote the extensions)', () => {
    const js = filesUnder(lib).filter((f) => f.endsWith('.js'));
    expect(js.filter((f) => /from ['"]\.{1,2}\/[^'"]*\.ts['"]|import\(['"]\.{1,2}\/[^'"]*\.ts['"]\)/.test(readFileSync(f, 'utf8'))).map((f) => relative(lib, f))).toEqual([]);
  });

  it('the browser entry (lib/api.js and all it imports) uses no Node built-in', () => {
    const seen = new Set<string>(), bare = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, from, dynamic] of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
        const spec = (from ?? dynamic)!;
        if (!spec.startsWith('.')) bare.add(spec);
        else if (spec.endsWith('.js')) visit(resolve(dirname(file), spec));
      }
    };
    visit(join(lib, 'api.js'));
    expect(seen.size).toBeGreaterThan(30);
    expect([...bare].sort()).toEqual(['exceljs', 'fast-formula-parser']);
  });
});

describe('package.json', () => {
  it('dependencies are exactly the packages src/ imports (the notebook\'s are devDependencies; no tsx at run time)', () => {
    const used = new Set<string>();
    for (const f of filesUnder(join(root, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
      const text = readFileSync(f, 'utf8');
      for (const [, spec] of text.matchAll(/^import (?!type )[^;]*?from ['"]([^'".][^'"]*)['"]/gm)) used.add(spec!);
      for (const [, spec] of text.matchAll(/import\(['"]([^'".][^'"]*)['"]\)/g)) used.add(spec!);
    }
    const packages = [...used].filter((s) => !s.startsWith('node:')).map((s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual([...new Set(packages)].sort());
  });
});

describe('npm pack', () => {
  const paths = () => packed.files.map((f) => f.path);

  it('ships LICENSE, README, the bin, lib/ and the fixtures the library imports', () => {
    expect(paths()).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/xlgrad.js', 'lib/api.js', 'lib/api.d.ts', 'lib/node.js', 'lib/libreoffice/recalc.py']));
    const imported = [...readFileSync(join(lib, 'fixtures.js'), 'utf8').matchAll(/from '\.\.\/(fixtures\/pytorch\/[^']+\.json)'/g)].map((m) => m[1]!);
    expect(imported.length).toBeGreaterThan(10);
    expect(paths()).toEqual(expect.arrayContaining(imported));
  });

  it('ships no tests, benches, sources, notebook, recorder or build state', () => {
    expect(paths().filter((p) => /^(test|src|notebooks|dist|\.ci)\/|record\.py$|\.tsbuildinfo$|^tsconfig|^vite/.test(p))).toEqual([]);
  });

  it('the packed `xlgrad` runs the built JavaScript: --version and run --preset article', () => {
    const dir = join(work, 'unpacked');
    mkdirSync(dir);
    execFileSync('tar', ['xzf', join(work, packed.filename), '-C', dir]);
    const bin = join(dir, 'package', 'bin', 'xlgrad.js');
    symlinkSync(join(root, 'node_modules'), join(dir, 'package', 'node_modules'), 'dir');
    expect(existsSync(join(dir, 'package', 'src'))).toBe(false);
    const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect([version.status, version.stdout, version.stderr]).toEqual([0, `${pkg.version}\n`, '']);
    const run = spawnSync(process.execPath, [bin, 'run', '--preset', 'article'], { encoding: 'utf8' });
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('epoch 1   loss 2.8952391   ŷ -0.70154023');
  });
});

describe('import … from "xlgrad" in plain Node', () => {
  const project = join(work, 'project');

  beforeAll(() => {
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    symlinkSync(root, join(project, 'node_modules', 'xlgrad'), 'dir');
  });

  it("trace(config JSON) returns xlgrad trace's document, with the article's epoch-1 loss", () => {
    const config = { layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 2 };
    writeFileSync(join(project, 'article.json'), JSON.stringify(config));
    const got = nodeModule(project, `
      import { trace } from 'xlgrad';
      console.log(JSON.stringify(trace(${JSON.stringify(config)})));
    `) as { epochs: { loss: number }[]; config: { dtype: string; epochs: number } };
    // PyTorch's loss at epoch 1 (fixtures/pytorch/article.json).
    expect(got.epochs[0]!.loss).toBe(2.8952391147613525);
    const cli = spawnSync(process.execPath, [join(root, 'bin', 'xlgrad.js'), 'trace', 'article.json'], { cwd: project, encoding: 'utf8' });
    expect(got).toEqual(JSON.parse(cli.stdout));
  });

  it('trace(bad config) throws ConfigError naming the field; buildWorkbook, check and xlgrad/node load', () => {
    const got = nodeModule(project, `
      import { trace, buildWorkbook, check, ConfigError } from 'xlgrad';
      import { recalculate, main } from 'xlgrad/node';
      let error;
      try { trace({ layers: [1, 2, 1], x: [1], y: [1], epochs: 1 }); } catch (e) { error = [e instanceof ConfigError, e.message]; }
      const bytes = await buildWorkbook({ layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 2 });
      const r = await check(bytes, { fileName: 'article.xlsx' });
      console.log(JSON.stringify({ error, zip: String.fromCharCode(bytes[0], bytes[1]), mismatches: r.report.mismatches, node: [typeof recalculate, typeof main] }));
    `);
    expect(got).toEqual({ error: [true, 'lr: is required'], zip: 'PK', mismatches: 0, node: ['function', 'function'] });
  });
});
