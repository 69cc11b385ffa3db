// The CLI fuzzed (fast-check), in process through main(argv, io): configs
// (JSON values and mangled JSON text), argument lists, CSV data and workbooks
// (bytes flipped, XML parts edited). Whatever the input, a run ends with exit
// 0, 1 or 2 within a time bound, a refusal is one line on stderr, and nothing
// printed holds a control character a terminal would act on.
//
// Replay a failure with FC_SEED=<seed> (and FC_PATH=<path>) from its report.
// The file changes the current folder (export writes there), which vitest's
// default pool of forked processes allows.

import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWorkbookInBrowser } from '../src/check/checkWorkbookInBrowser.ts';
import { main } from '../src/cli/main.ts';
import { ARTICLE } from '../src/config.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { partText, readParts, textPart, writeZip } from './zipFiles.ts';

const SKIP_LIBREOFFICE = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const replay = process.env.FC_SEED === undefined ? {} : { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH };

/** C0 and C1 controls and the Unicode line separators; a newline may end a line of stdout, never a refusal. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

const home = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-fuzz-'));
let article: Uint8Array;
beforeAll(async () => {
  article = await buildWorkbook(ARTICLE);
  // `export` without --out writes into the current folder: let it write here.
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
const save = (content: Uint8Array | string, name = `f${++files}`) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Resident memory this test process may reach: every input here is small, so a bound far above its needs catches a runaway. */
const MAX_RSS = 2 * 2 ** 30;

/** `xlgrad ...argv`, checked: an exit code of 0, 1 or 2, one clean line for a refusal, no control characters, within `ms` and MAX_RSS. */
async function sane(argv: string[], ms = 10_000): Promise<number> {
  const out: string[] = [], err: string[] = [];
  const started = performance.now();
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  const took = performance.now() - started;
  const shown = JSON.stringify(argv).slice(0, 300);
  expect([0, 1, 2], `exit code of ${shown}: ${err.join(' | ').slice(0, 300)}`).toContain(code);
  if (code === 2) {
    expect(err, `stderr of ${shown}`).toHaveLength(1);
    expect(err[0], `stderr of ${shown}`).not.toContain('\n');
  }
  for (const line of [...out, ...err]) expect(line, `output of ${shown}`).not.toMatch(CONTROL);
  expect(took, `time of ${shown}`).toBeLessThan(ms);
  expect(process.memoryUsage().rss, `memory after ${shown}`).toBeLessThan(MAX_RSS);
  return code;
}

// ---- pieces ------------------------------------------------------------------

const WEIRD = ['\u001b[2J', '\u001b]0;title\u0007', '\u009b2J', '\u2028', '\n', '\r\n', '\t', '\u0000', '\ufeff', '"', "'", '\\', '<', '&', ',', '1e309', '-1e400', 'NaN', 'Infinity', '__proto__', 'constructor', 'toString', ' ', ''];
const weird = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom(...WEIRD), fc.array(fc.constantFrom(...WEIRD), { maxLength: 3 }).map((a) => a.join('')));
/** Any JSON value but a number, where a number would mean real work (epochs, layer sizes). */
const notANumber = fc.oneof(weird, fc.boolean(), fc.constant(null), fc.array(weird, { maxLength: 2 }), fc.dictionary(weird, weird, { maxKeys: 2 }));
const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), notANumber);
const num = fc.oneof(fc.double(), fc.integer({ min: -3, max: 5 }), fc.constantFrom(0, -0, 0.5, 1e-320, Number.MAX_VALUE), junk);
const one = <T>(...values: T[]) => fc.oneof(fc.constantFrom(...values), junk);
const sample = fc.oneof(fc.array(num, { maxLength: 3 }), fc.array(fc.array(num, { maxLength: 3 }), { maxLength: 3 }), junk);

/** A valid config of a small network: a few units, a few samples, at most 3 epochs. */
const validConfig = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 3 }))
  .chain(([layers, n]) =>
    fc.record(
      {
        layers: fc.constant(layers),
        bias: fc.oneof(fc.boolean(), fc.array(fc.boolean(), { minLength: layers.length - 1, maxLength: layers.length - 1 })),
        activation: fc.constantFrom('relu', 'sigmoid', 'tanh', 'identity'),
        loss: fc.constantFrom('squared_error', 'mse', 'half_squared_error'),
        x: fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: layers[0]!, maxLength: layers[0]! }), { minLength: n, maxLength: n }),
        y: fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: layers.at(-1)!, maxLength: layers.at(-1)! }), { minLength: n, maxLength: n }),
        lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
        optimizer: fc.constantFrom('sgd', 'adam', { name: 'sgd', momentum: 0.9, nesterov: true }),
        epochs: fc.integer({ min: 0, max: 3 }),
        dtype: fc.constantFrom('float32', 'float64'),
        init: fc.oneof(fc.record({ torchSeed: fc.integer({ min: -5, max: 5 }), rounding: fc.constantFrom('fused', 'portable') }), fc.constant(undefined)),
      },
      { requiredKeys: ['layers', 'x', 'y', 'lr', 'epochs'] },
    ),
  );

/** What a damaged field may hold: a plausible value for some field, or junk. */
const anyField = fc.oneof(
  fc.constantFrom('relu', 'identity', 'cross_entropy', 'bce_with_logits', 'adam', 'float64', 'missing.csv', 2.5, 1_000_001, 1e21),
  fc.record({ name: one('sgd', 'adam'), momentum: num, dampening: num, nesterov: junk, weightDecay: num, betas: junk, eps: num }, { requiredKeys: [] }),
  fc.record({ torchSeed: num, rounding: one('fused', 'portable'), draw: one('float32', 'float64') }, { requiredKeys: [] }),
  fc.record({ params: fc.dictionary(fc.constantFrom('w1', 'w2', 'b1', 'b2', 'w9', '__proto__'), num) }),
  fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 }),
  sample,
  notANumber,
);
const KEYS = ['layers', 'bias', 'activation', 'outputActivation', 'loss', 'x', 'y', 'data', 'batchSize', 'lr', 'optimizer', 'epochs', 'dtype', 'init'];

/**
 * A config object: a valid one with up to three fields damaged (removed, or
 * given another field's value or junk, or a key nobody knows added). Numbers
 * that would mean real work (epochs, layer sizes) are never drawn at random.
 */
const configObject = fc
  .tuple(validConfig, fc.array(fc.tuple(fc.oneof(fc.constantFrom(...KEYS), weird), fc.option(anyField)), { maxLength: 3 }))
  .map(([config, damage]) => {
    const c: Record<string, unknown> = { ...config };
    for (const [k, v] of damage) {
      if (v === null) delete c[k];
      else Object.defineProperty(c, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return c;
  });

/** JSON text edited at a few places: a token inserted, or a slice removed. */
const TOKENS = ['{', '}', '[', ']', '"', ':', ',', '1e309', '-1e999', '\ufeff', '\u001b[2J', '\u009b', '[[[[[[[[', 'null', '0x10', '1_0', '\\u0000'];
const mangled = (text: fc.Arbitrary<string>) =>
  fc.tuple(text, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...TOKENS)), { maxLength: 3 })).map(([t, edits]) =>
    edits.reduce((s, [at, cut, token]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + token + s.slice(i + cut);
    }, t),
  );

// ---- the properties -----------------------------------------------------------

describe('fuzz: xlgrad run <config>', () => {
  it('any config object: exit 0, 1 or 2, one clean line for a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(configObject, async (config) => {
        await sane(['run', save(JSON.stringify(config), 'c.json')]);
      }),
      { numRuns: 150, ...replay },
    );
  });

  it('any config text (JSON mangled, a byte-order mark, deep nesting, numbers out of range)', async () => {
    const text = fc.oneof(mangled(configObject.map((c) => JSON.stringify(c))), fc.string({ unit: 'binary', maxLength: 60 }), fc.nat({ max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), text, async (bom, t) => {
        await sane(['run', save(`${bom ? '\ufeff' : ''}${t}`, 'c.json')]);
      }),
      { numRuns: 150, ...replay },
    );
  });
});

describe('fuzz: xlgrad <any arguments>', () => {
  const existing = () => ({ config: save('{"layers":[1,1],"x":[1],"y":[1],"lr":0.1,"epochs":1}', 'ok.json'), text: save('just text', 'text.xlsx'), folder: dir });
  it('any argument list (commands, options, presets, paths, and strings of any characters): exit 0, 1 or 2, one clean line for a refusal', async () => {
    const paths = existing();
    const token = fc.oneof(
      fc.constantFrom('run', 'trace', 'export', 'verify', 'check', 'help', '--version', '__proto__', 'constructor', 'toString'),
      fc.constantFrom('--preset', '--out', '--dtype', '--steps', '--map', '--config', '--recalc', '--print-map', '--help', '-h', '--preset=article', '--out=', '--', '-', '--nope'),
      fc.constantFrom('article', 'nope', 'float32', 'float64', 'builtin', 'none', 'libreoffice'),
      fc.constantFrom(paths.config, paths.text, paths.folder, join(dir, 'missing.json'), join(dir, 'no', 'such', 'x.xlsx'), 'out.xlsx'),
      weird,
    );
    // Without --recalc, `check` would start LibreOffice on any workbook: none is among these paths.
    await fc.assert(
      fc.asyncProperty(fc.array(token, { minLength: 1, maxLength: 6 }), async (argv) => {
        await sane(argv);
      }),
      { numRuns: 200, ...replay },
    );
  });
});

describe('fuzz: xlgrad run <config with "data": a CSV file>', () => {
  // Mostly well-formed, so that some files are read to the end and the run goes on.
  const number = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), fc.integer({ min: -2, max: 3 }).map(String), fc.constantFrom('0', '1', ' 0.5 ', '-1e-3'));
  const cell = fc.oneof({ arbitrary: number, weight: 12 }, { arbitrary: fc.constantFrom('', '1e309', 'NaN', '0x1', '"1"', 'x1', '1,5'), weight: 1 }, { arbitrary: weird, weight: 1 });
  const header = fc.oneof({ arbitrary: fc.constantFrom('x1,x2,y1', 'y1 , x2,x1'), weight: 6 }, { arbitrary: fc.array(fc.constantFrom('x1', 'x2', 'x3', 'y1', 'y2', '', 'x1'), { maxLength: 4 }).map((h) => h.join(',')), weight: 1 }, { arbitrary: weird, weight: 1 });
  const row = fc.oneof({ arbitrary: fc.array(number, { minLength: 3, maxLength: 3 }), weight: 20 }, { arbitrary: fc.array(cell, { maxLength: 4 }), weight: 1 }).map((r) => r.join(','));
  const csv = fc.tuple(fc.boolean(), header, fc.array(row, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.constantFrom('', '\n', '\n\n')).map(([bom, h, rows, eol, end]) => `${bom ? '\ufeff' : ''}${[h, ...rows].join(eol)}${end}`);
  it('any CSV text: exit 0, 1 or 2, one clean line for a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(csv, fc.constantFrom('squared_error', 'cross_entropy', 'bce_with_logits'), async (text, loss) => {
        const folder = mkdtempSync(join(dir, 'csv-'));
        writeFileSync(join(folder, 'd.csv'), text);
        writeFileSync(join(folder, 'c.json'), JSON.stringify({ layers: [2, 2, loss === 'cross_entropy' ? 2 : 1], loss, data: 'd.csv', lr: 0.1, epochs: 1 }));
        await sane(['run', join(folder, 'c.json')]);
        rmSync(folder, { recursive: true, force: true });
      }),
      { numRuns: 150, ...replay },
    );
  });
});

// ---- workbooks ---------------------------------------------------------------

/** Strings that mean something to an XML reader, a spreadsheet or a terminal. */
const XML_TOKENS = [
  '<', '>', '&', '&amp;', '&#0;', '&#x1b;', '&#xFFFFFFFF;', '_x001B_', '"', "'", '\u001b[2J', '\u009b', ' ', '</c>', '<c r="A1">', '<v>1e309</v>', '<v>NaN</v>',
  '<definedName name="w1_e1">1/0</definedName>', '<definedName name="__proto__">\'Epoch 1\'!$B$3</definedName>', '<definedName name="config_json">config!$A$1</definedName>',
  '<c r="B3"><f>1/0</f></c>', '<c r="A2" t="inlineStr"><is><t>{"lr":1e309}</t></is></c>', '<c r="XFD1048576"><v>1</v></c>', '<sheet name="config" sheetId="9" r:id="rId1"/>',
  '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', '&b;',
];

/** The article's workbook with one XML part edited at a few places. */
const editedWorkbook = fc
  .tuple(fc.nat(), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...XML_TOKENS)), { minLength: 1, maxLength: 4 }))
  .map(([which, edits]) => {
    const parts = readParts(article);
    const xml = parts.filter((p) => p.name.endsWith('.xml') || p.name.endsWith('.rels'));
    const target = xml[which % xml.length]!;
    const text = edits.reduce((s, [at, cut, token]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + token + s.slice(i + cut);
    }, partText(target));
    return writeZip(parts.map((p) => (p === target ? textPart(p.name, text) : p)));
  });

/** The article's workbook with a few bytes changed, or cut short, or with junk after it. */
const damagedBytes = fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.constantFrom('flip', 'cut', 'append')).map(([flips, n, how]) => {
  const bytes = article.slice();
  for (const [at, b] of flips) bytes[at % bytes.length] = b;
  if (how === 'cut') return bytes.slice(0, n % bytes.length);
  if (how === 'append') return new Uint8Array([...bytes, ...new Uint8Array(n % 100).fill(0x50)]);
  return bytes;
});

const workbook = fc.oneof(editedWorkbook, damagedBytes);

describe('fuzz: workbooks', () => {
  it('xlgrad check <a damaged workbook> --recalc builtin | none: exit 0, 1 or 2, one clean line for a refusal', async () => {
    await fc.assert(
      fc.asyncProperty(workbook, fc.constantFrom('builtin', 'none'), async (bytes, recalc) => {
        mkdirSync(join(dir, 'wb'), { recursive: true });
        await sane(['check', save(bytes, 'wb/book.xlsx'), '--recalc', recalc]);
      }),
      { numRuns: 40, ...replay },
    );
  });

  it('checkWorkbookInBrowser(a damaged workbook) returns lines, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(workbook, async (bytes) => {
        const r = await checkWorkbookInBrowser(bytes);
        expect(r.lines.length).toBeGreaterThan(0);
        if (r.error !== undefined) expect(r.error).not.toContain('\n');
      }),
      { numRuns: 25, ...replay },
    );
  });

  it.skipIf(SKIP_LIBREOFFICE)('xlgrad verify <a damaged workbook>: exit 0, 1 or 2, one clean line for a refusal (LibreOffice runs on some)', async () => {
    await fc.assert(
      fc.asyncProperty(workbook, async (bytes) => {
        mkdirSync(join(dir, 'wb'), { recursive: true });
        await sane(['verify', save(bytes, 'wb/verify.xlsx')], 30_000);
      }),
      { numRuns: 6, ...replay },
    );
  });
});
