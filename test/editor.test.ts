// @vitest-environment jsdom
// The editor's cells headless: Notebook Kit files deserialized, transpiled and
// run on @observablehq/runtime in jsdom, with the page's builtins only.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize, toCell } from '@observablehq/notebook-kit';
import { afterEach, describe, expect, it } from 'vitest';
import article from '../fixtures/pytorch/article.json' with { type: 'json' };
import { localizeImports } from '../notebooks/editor/imports.ts';
import { Session } from '../notebooks/editor/session.ts';

const sessions: Session[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
});

function open(cells: string): Session {
  const root = document.createElement('main');
  document.body.append(root);
  const s = new Session(deserialize(`<!doctype html><notebook><title>test</title>${cells}</notebook>`), root);
  sessions.push(s);
  return s;
}

/** The text each cell shows once every cell has settled. */
async function shown(s: Session): Promise<Record<number, string>> {
  // A cell's value arrives before its observer draws it: wait a turn after the last one.
  for (const e of s.entries) for (const name of e.defined.names) await s.main.value(name).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 20));
  return Object.fromEntries(s.entries.map((e) => [e.cell.id, e.out.textContent ?? '']));
}

const ARTICLE_CONFIG = JSON.stringify({ layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 2, init: { torchSeed: 0 } });

describe('Session(notebook, root)', () => {
  it('runs a cell that imports xlgrad: trace(config) gives the recorded PyTorch loss', async () => {
    const s = open(`
      <script id="1" type="module">import {trace} from "xlgrad";</script>
      <script id="2" type="module">const doc = trace(${ARTICLE_CONFIG})</script>
      <script id="3" type="module">doc.epochs[0].loss</script>`);
    expect(await s.main.value('doc').then((d) => d.epochs[0].loss)).toBe(article.epochs[0]!.loss);
    expect((await shown(s))[3]).toBe(String(article.epochs[0]!.loss));
  });

  it('renders Markdown cells with interpolated values and TeX', async () => {
    const s = open(`
      <script id="1" type="module">const n = 6 * 7</script>
      <script id="2" type="text/markdown">## Answer \${n} and \${tex\`\\sigma(z)\`}</script>`);
    await shown(s);
    const h2 = s.entry(2).out.querySelector('h2')!;
    expect(h2.textContent).toMatch(/^Answer 42 and /);
    expect(h2.querySelector('.katex')).not.toBeNull();
  });

  it('update(id, value) recomputes the cells that depend on it', async () => {
    const s = open(`
      <script id="1" type="module">const a = 2</script>
      <script id="2" type="module">const b = a * 10</script>
      <script id="3" type="module">b + 1</script>`);
    expect((await shown(s))[3]).toBe('21');
    s.update(1, 'const a = 5');
    expect((await shown(s))[3]).toBe('51');
  });

  it('an error stays in its cell: a syntax error, a throw, an unknown import', async () => {
    const s = open(`
      <script id="1" type="module">const a = (</script>
      <script id="2" type="module">const b = 3</script>
      <script id="3" type="module">import {x} from "npm:left-pad";</script>
      <script id="4" type="module">{ throw new Error("no " + b); }</script>
      <script id="5" type="module">b * 2</script>`);
    const out = await shown(s);
    expect(out[1]).toMatch(/^SyntaxError: /);
    expect(out[3]).toBe('import "https://cdn.jsdelivr.net/npm/left-pad/+esm": a cell can import "xlgrad" and "xlgrad/notebook"; nothing is fetched from the network');
    expect(out[4]).toBe('no 3');
    expect(out[5]).toBe('6');
    expect(s.entry(4).out.querySelector('.cell-error')).not.toBeNull();
  });

  it('insert, move and remove change the document order; toNotebook() serializes it', async () => {
    const s = open(`
      <script id="1" type="module">const a = 1</script>
      <script id="2" type="module">a + 1</script>`);
    s.insert(1, 'js', 'const c = a + 100');
    s.move(2, -1);
    expect(s.entries.map((e) => e.cell.id)).toEqual([1, 2, 3]);
    s.move(3, -1);
    expect(s.entries.map((e) => e.cell.id)).toEqual([1, 3, 2]);
    expect([...s.root.children].map((el) => (el as HTMLElement).dataset.cellId)).toEqual(['1', '3', '2']);
    expect((await shown(s))[3]).toBe('');
    expect(await s.main.value('c')).toBe(101);
    s.remove(2);
    const again = deserialize(serialize(s.toNotebook()));
    expect(again.cells.map((c) => [c.id, c.value])).toEqual([[1, 'const a = 1'], [3, 'const c = a + 100']]);
    expect(again.cells[1]!.pinned).toBe(true);
  });

  it('view(element) displays the element and gives its value, again on each input event', async () => {
    const s = open(`
      <script id="1" type="module">const box = view(Object.assign(document.createElement("input"), {value: "3"}))</script>
      <script id="2" type="module">box + "!"</script>`);
    expect((await shown(s))[2]).toBe('"3!"');
    const input = s.entry(1).out.querySelector('input')!;
    input.value = '4';
    input.dispatchEvent(new Event('input'));
    await new Promise((r) => setTimeout(r, 20));
    expect((await shown(s))[2]).toBe('"4!"');
  });
});

describe('html and md', () => {
  it('html`…${text}` inserts text as text (a link cannot inject markup); md`…${text}` reads it as Markdown', async () => {
    const { html, md } = await import('../notebooks/editor/builtins.ts');
    const evil = '<img src=x onerror="alert(1)">';
    const div = html`<div class="notice">${evil}</div>`;
    expect(div.outerHTML).toBe('<div class="notice">&lt;img src=x onerror="alert(1)"&gt;</div>');
    expect(div.querySelector('img')).toBeNull();
    expect(md`Some ${'**bold**'} text`.outerHTML).toBe('<p>Some <strong>bold</strong> text</p>');
  });
});

describe('localizeImports(body)', () => {
  it('replaces import() calls found by parsing, not text inside strings', () => {
    const body = 'async () => {\nconst {trace} = await import("xlgrad").then((m) => m);\nreturn "import(\\"x\\")";\n}';
    expect(localizeImports(body)).toBe('async () => {\nconst {trace} = await __xlgradImport("xlgrad").then((m) => m);\nreturn "import(\\"x\\")";\n}');
  });
});

describe('compiledCells(source) and usePrecompiled(table)', () => {
  it('compiledCells(article) compiles every cell of the article, as the build embeds them', async () => {
    const { compiledCells } = await import('../notebooks/editor/pages.ts');
    const { cellKey } = await import('../notebooks/editor/compileCell.ts');
    const source = readFileSync(join(import.meta.dirname, '../notebooks/article.html'), 'utf8');
    const table = await compiledCells(source);
    const cells = deserialize(source).cells;
    expect(Object.keys(table).sort()).toEqual(cells.map(cellKey).sort());
    // The cell `const training = train(net, config)`: its inputs, and its one output.
    const training = table[cellKey(cells.find((c) => c.value.trim() === 'const training = train(net, config)')!)]!;
    expect([training.inputs, training.output, training.outputs]).toEqual([['train', 'net', 'config'], undefined, ['training']]);
    // Imports are pointed at the page's own modules.
    const importing = cells.filter((c) => c.value.includes('from "xlgrad/notebook"'));
    expect(importing.length).toBeGreaterThan(0);
    for (const c of importing) expect(table[cellKey(c)]!.body).toContain('await __xlgradImport("xlgrad/notebook")');
  });

  it('a cell whose source is in the table runs the table\'s code; an edited cell is compiled again', async () => {
    const { cellKey, usePrecompiled } = await import('../notebooks/editor/compileCell.ts');
    const probe = toCell({ id: 1, value: 'const probe = 1' });
    // A stand-in for the build's output that differs from the source, so the test can tell which one ran.
    usePrecompiled({ [cellKey(probe)]: { body: '() => {\nconst probe = 2;\nreturn {probe};\n}', inputs: [], outputs: ['probe'], autodisplay: false } });
    const s = open(`
      <script id="1" type="module">const probe = 1</script>
      <script id="2" type="module">probe * 10</script>`);
    expect((await shown(s))[2]).toBe('20');
    s.update(1, 'const probe = 3');
    expect((await shown(s))[2]).toBe('30');
  });
});
