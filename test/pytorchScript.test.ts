// pytorchScript(config): the run as a standalone PyTorch script. Read as text
// (no torch needed), and run under /usr/bin/python3 when torch imports there:
// its losses and final parameters must be the recorded PyTorch run's, and the
// trace's (bit for bit in float32 where xlgrad is exact, within the fixtures'
// stated ulps elsewhere, 1e-12 relative in float64).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtures, type Fixture } from '../src/fixtures.ts';
import { preset } from '../src/presets.ts';
import { pyFloat, pytorchScript } from '../src/pytorchScript.ts';
import { trace } from '../src/trace.ts';
import { NOT_EXACT, relativeError, ulp32 } from './helpers.ts';

const PYTHON = '/usr/bin/python3';

describe('pyFloat(v)', () => {
  it('pyFloat(v) reads back as v, and always as a float literal', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const s = pyFloat(v);
      expect(Object.is(Number(s), v)).toBe(true);
      expect(s).toMatch(/^-?\d+(\.\d+)?(e[+-]\d+)?$/);
      expect(s).toMatch(/[.e]/);
    }));
  });
  it('pyFloat(-0) is -0.0 and pyFloat(1) is 1.0', () => {
    expect([pyFloat(-0), pyFloat(1), pyFloat(1e-8)]).toEqual(['-0.0', '1.0', '1e-8']);
  });
});

describe('pytorchScript(config) as text', () => {
  it("pytorchScript(article) seeds torch with 0 and builds the article's three Linear layers before the lr 0.01 SGD", () => {
    const s = pytorchScript(preset('article'));
    const seed = s.indexOf('torch.manual_seed(0)');
    const linears = [...s.matchAll(/nn\.Linear\((\d+), (\d+), bias=(True|False)\)/g)].map((m) => [Number(m[1]), Number(m[2]), m[3]]);
    expect(seed).toBeGreaterThan(0);
    expect(s.indexOf('nn.Linear(')).toBeGreaterThan(seed);
    expect(linears).toEqual([[1, 2, 'True'], [2, 2, 'True'], [2, 1, 'True']]);
    expect(/torch\.optim\.SGD\(model\.parameters\(\), lr=([^,]+),/.exec(s)?.[1]).toBe('0.01');
    expect(/nn\.Sequential\((.*)\)/.exec(s)?.[1]).toBe('linear1, nn.ReLU(), linear2, nn.ReLU(), linear3).to(DTYPE');
    expect(s).toContain("nn.MSELoss(reduction='sum')");
    expect(s).toContain('for epoch in range(1, 2 + 1):');
    expect(s).not.toContain('set_default_dtype');
  });

  it('pytorchScript(bce-adam-float64) draws in float64, runs in float64 with Adam and BCEWithLogitsLoss', () => {
    const s = pytorchScript(preset('bce-adam-float64'));
    expect(s.indexOf('torch.set_default_dtype(torch.float64)')).toBeLessThan(s.indexOf('nn.Linear('));
    expect(s.indexOf('torch.set_default_dtype(torch.float64)')).toBeGreaterThan(s.indexOf('torch.manual_seed(7)'));
    expect(s).toContain('DTYPE = torch.float64');
    expect(/torch\.optim\.Adam\(.*\)/.exec(s)?.[0]).toBe('torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.001)');
    expect(s).toContain('nn.BCEWithLogitsLoss()');
  });

  it('pytorchScript(mazur-nobias) copies the explicit weights into bias-free layers', () => {
    const s = pytorchScript(preset('mazur-nobias'));
    expect(s).not.toContain('manual_seed');
    expect([...s.matchAll(/bias=(True|False)/g)].map((m) => m[1])).toEqual(['False', 'False']);
    expect(s.replace(/\s+/g, ' ')).toContain('linear1.weight.copy_(torch.tensor([ [0.15, 0.2], [0.25, 0.3], ], dtype=DTYPE))');
    expect(s).not.toContain('.bias');
  });

  it('pytorchScript(ce3-minibatch-momentum) gives class indices as long and batches of 4', () => {
    const s = pytorchScript(preset('ce3-minibatch-momentum'));
    expect(s).toContain('y = torch.tensor([0,0,1,1,2,2], dtype=torch.long)');
    expect(s).toContain('batch_size=4, shuffle=False');
    expect(s).toContain('momentum=0.9, dampening=0.0, nesterov=False');
  });
});

const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { timeout: 60_000 }).status === 0;
if (!hasTorch) console.warn(`test/pytorchScript.test.ts: skipping the runs of the generated scripts (${PYTHON} cannot import torch; on Debian: apt-get install python3-torch)`);

const RUN = ['article', 'xor', 'adam', 'ce3-minibatch-momentum', 'bce-adam-float64', 'mazur-nobias', 'minibatch-partial'];

interface Printed { losses: number[]; steps: { step: number; epoch: number; batch: number }[]; final: Record<string, number> }

describe.skipIf(!hasTorch)('pytorchScript(config) run by PyTorch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlgrad-py-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const printed = new Map<string, Printed>();
  const run = (f: Fixture): Printed => printed.get(f.name) ?? printed.set(f.name, runScript(f)).get(f.name)!;

  function runScript(f: Fixture): Printed {
    const file = join(dir, `${f.name}.py`);
    writeFileSync(file, pytorchScript(f.config));
    const r = spawnSync(PYTHON, [file], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const steps = lines.slice(0, -1) as { step: number; epoch: number; batch: number; loss: number }[];
    return { losses: steps.map((s) => s.loss), steps: steps.map(({ step, epoch, batch }) => ({ step, epoch, batch })), final: lines.at(-1).final };
  }

  it.each(RUN)("%s: the script prints the recorded PyTorch run's losses and final parameters exactly", (name) => {
    const f = fixtures.find((x) => x.name === name)!;
    const printed = run(f);
    expect(printed.steps).toEqual(f.steps.map(({ step, epoch, batch }) => ({ step, epoch, batch })));
    expect(printed.losses).toEqual(f.steps.map((s) => s.loss));
    expect(printed.final).toEqual(f.final);
  });

  it("article with init.rounding 'portable' and 0 epochs: the script's parameters are PyTorch's portable-kernel draw", () => {
    const f = fixtures.find((x) => x.name === 'article')!;
    const config = { ...f.config, epochs: 0, init: { torchSeed: 0, rounding: 'portable' as const, draw: 'float32' as const } };
    const printed = runScript({ ...f, name: 'article-portable', config });
    expect(printed.losses).toEqual([]);
    expect(printed.final).toEqual(f.initPortable);
    expect(printed.final).not.toEqual(f.init);
  });

  it.each(RUN)('%s: the script agrees with the trace, every step', (name) => {
    const f = fixtures.find((x) => x.name === name)!;
    const printed = run(f);
    const t = trace(f.config, { numeric: false });
    const ours = [...t.steps.map((s) => ['loss', s.loss] as const), ...Object.keys(printed.final).map((p) => [p, t.final[p]!] as const)];
    const theirs = [...printed.losses, ...Object.values(printed.final)];
    expect(Object.keys(t.final)).toEqual(Object.keys(printed.final));
    expect(t.steps.length).toBe(printed.losses.length);
    const off = ours.map(([what, v], i) => {
      const torch = theirs[i]!;
      if (f.config.dtype === 'float64') return { what, v, torch, bad: relativeError(v, torch) > 1e-12 };
      const bound = NOT_EXACT[name]?.run ?? 0;
      // ulps of the loss itself, or of the largest final parameter (the fixtures' scale of a kind).
      const scale = what === 'loss' ? torch : Math.max(...Object.values(printed.final).map(Math.abs));
      return { what, v, torch, bad: Math.abs(v - torch) > bound * ulp32(scale) };
    });
    expect(off.filter((o) => o.bad)).toEqual([]);
  });
});
