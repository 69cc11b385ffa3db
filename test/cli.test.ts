// The `xlgrad` command as a user runs it: a real process, its exit code, stdout and stderr.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'xlgrad.js');
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-cli-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `xlgrad ...args` as plain data. */
function xlgrad(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, XLGRAD_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (s: string) => s.split('\n').filter((l) => l !== '');

describe('xlgrad trace --preset article', () => {
  const r = xlgrad('trace', '--preset', 'article');
  const t = JSON.parse(r.stdout);

  it('exits 0 with nothing on stderr', () => {
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  it("prints the article's numbers: ŷ, L per epoch and the three non-zero gradients", () => {
    expect(t.epochs.map((e: { yhat: number[]; loss: number }) => [e.yhat[0], e.loss])).toEqual([
      [-0.7015402317047119, 2.8952391147613525],
      [-0.6656907200813293, 2.7745254039764404],
    ]);
    const g = t.epochs[0].grads.backprop as Record<string, number>;
    expect(Object.fromEntries(Object.entries(g).filter(([, v]) => v !== 0))).toEqual({ w8: -0.6367481350898743, b4: 0.4730033874511719, b5: -3.403080463409424 });
    expect(t.epochs[0].params.w1).toBe(-0.007486820220947266);
  });

  it('has the expressions map: every node and adjoint as a formula over other names', () => {
    expect(t.expressions).toMatchObject({
      z3: 'w3 * a1 + w4 * a2 + b3',
      a4: 'relu(z4)',
      L: '(yhat1 - y1)^2',
      dL_dyhat1: '2 * (yhat1 - y1)',
      dL_dw8: 'dL_dz5 * a4',
      dL_dz4: 'dL_da4 * step(z4)',
      dL_da2: 'dL_dz3 * w4 + dL_dz4 * w6',
    });
  });

  it('xlgrad trace --preset article --dtype float64 runs in float64', () => {
    const d = JSON.parse(xlgrad('trace', '--preset', 'article', '--dtype=float64').stdout);
    expect(d.config.dtype).toBe('float64');
    expect(Math.abs(d.epochs[0].loss - 2.8952391147613525)).toBeLessThan(1e-6);
  });
});

describe('xlgrad run --preset article', () => {
  const r = xlgrad('run', '--preset', 'article');
  const out = lines(r.stdout);

  it('exits 0 with nothing on stderr', () => {
    expect([r.status, r.stderr]).toEqual([0, '']);
  });

  it('prints one table per epoch with value, backprop, symbolic and numeric columns', () => {
    expect(out.filter((l) => l.startsWith('epoch ')).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['epoch', '1', 'loss', '2.8952391'],
      ['epoch', '2', 'loss', '2.7745254'],
    ]);
    expect(out.filter((l) => l.trim().startsWith('param')).map((l) => l.trim().split(/\s+/))).toEqual([
      ['param', 'value', 'backprop', 'symbolic', 'numeric'],
      ['param', 'value', 'backprop', 'symbolic', 'numeric'],
    ]);
    const w8 = out.find((l) => l.trim().startsWith('w8 '))!.trim().split(/\s+/);
    expect(w8.slice(0, 4)).toEqual(['w8', '-0.13899271', '-0.63674814', '-0.63674814']);
  });
});

describe('bad input: exit 2 and one line on stderr, no stack trace', () => {
  const malformed = file('malformed.json', '{"layers": [1, 2, 1], ');
  const badField = file('bad-lr.json', JSON.stringify({ layers: [1, 2, 1], x: [1], y: [1], lr: -1, epochs: 2 }));
  it.each([
    ['a missing file', ['trace', join(dir, 'nope.json')], 'nope.json'],
    ['a directory as the file', ['run', dir], 'not a file'],
    ['malformed JSON', ['trace', malformed], 'config: not valid JSON'],
    ['a bad field', ['run', badField], 'lr: must be a number > 0'],
    ['a bad flag', ['trace', '--preset', 'article', '--frobnicate'], '--frobnicate: unknown option'],
    ['a flag without its value', ['run', '--preset'], '--preset: needs a value'],
    ['an unknown preset', ['run', '--preset', 'nonesuch'], '--preset: unknown preset "nonesuch"'],
    ['a bad --dtype', ['trace', '--preset', 'article', '--dtype', 'float16'], '--dtype: must be float32 or float64'],
    ['a file and a preset', ['trace', badField, '--preset', 'article'], 'not both'],
    ['no config', ['run'], 'missing config'],
    ['an unknown command', ['frobnicate'], 'unknown command'],
  ])('%s', (_what, args, says) => {
    const r = xlgrad(...args);
    expect({ status: r.status, stdout: r.stdout, stderrLines: lines(r.stderr).length, stack: /\n\s+at /.test(r.stderr) }).toEqual({ status: 2, stdout: '', stderrLines: 1, stack: false });
    expect(r.stderr).toContain(says);
  });
});

describe('a diverging run (lr 1e6, 50 epochs)', () => {
  const config = file('diverge.json', JSON.stringify({ layers: [1, 2, 2, 1], x: [1], y: [1], lr: 1e6, epochs: 50 }));

  it('xlgrad trace exits 0 with "diverged": true, a message, and the epochs up to the blow-up', () => {
    const r = xlgrad('trace', config);
    const t = JSON.parse(r.stdout);
    expect({ status: r.status, diverged: t.diverged, stopped: t.epochs.length < 50 }).toEqual({ status: 0, diverged: true, stopped: true });
    expect(t.message).toMatch(/^training diverged: .* at epoch \d+ \(try a smaller lr\)$/);
    expect(lines(r.stderr)).toEqual([`xlgrad: ${t.message}`]);
  });

  it('xlgrad run exits 0 and marks the epoch DIVERGED', () => {
    const r = xlgrad('run', config);
    expect([r.status, lines(r.stdout).some((l) => l.includes('DIVERGED')), lines(r.stderr).length]).toEqual([0, true, 1]);
  });
});

describe('a closed pipe', () => {
  it('xlgrad run … | true ends quietly instead of printing an EPIPE stack trace', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" run --preset article | true; echo "exit \${PIPESTATUS[0]}"`], { cwd: root, encoding: 'utf8' });
    expect([r.stdout.trim(), r.stderr]).toEqual(['exit 0', '']);
  });
});

describe('xlgrad trace <xor.json> (four samples, full batch, SGD with momentum 0.9)', () => {
  const xor = { layers: [2, 2, 1], bias: true, activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'mse',
    x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]], batchSize: 4, lr: 1.0,
    optimizer: { name: 'sgd', momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
    epochs: 100, dtype: 'float32', init: { torchSeed: 1, draw: 'float32' } };
  const r = xlgrad('trace', file('xor.json', JSON.stringify(xor)));
  const t = JSON.parse(r.stdout);
  // Recorded from torch.optim.SGD(momentum=0.9) over nn.Sequential(Linear(2, 2), Sigmoid(), Linear(2, 1), Sigmoid()) by fixtures/pytorch/record.py.
  const torch = JSON.parse(readFileSync(join(root, 'fixtures', 'pytorch', 'xor.json'), 'utf8'));

  it('exits 0 and prints one step per epoch, each over samples 1–4', () => {
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(t.steps.length).toBe(100);
    expect(t.steps[0]).toMatchObject({ step: 1, epoch: 1, batch: 1, samples: [1, 2, 3, 4] });
  });

  it("every step's loss, per-sample nodes, gradients and momentum buffers are PyTorch's", () => {
    const pick = (s: { loss: number; nodes: unknown; grads: { backprop: unknown }; state: unknown }) => ({ loss: s.loss, nodes: s.nodes, grads: s.grads.backprop, state: s.state });
    expect(t.steps.map(pick)).toEqual(torch.steps.map((s: { loss: number; nodes: unknown; grads: unknown; state: unknown }) => ({ loss: s.loss, nodes: s.nodes, grads: s.grads, state: s.state })));
    expect(t.final).toEqual(torch.final);
  });

  it('names per-sample quantities with the sample: z3_n2, dL_dz3_n2', () => {
    expect(t.expressions).toMatchObject({ z3_n2: 'w5 * a1_n2 + w6 * a2_n2 + b3', L: expect.stringContaining('/ 4') });
    expect(t.expressions.dL_dw5).toBe('dL_dz3_n1 * a1_n1 + dL_dz3_n2 * a1_n2 + dL_dz3_n3 * a1_n3 + dL_dz3_n4 * a1_n4');
  });

  it('xlgrad trace --no-expressions leaves the formulas out', () => {
    const d = JSON.parse(xlgrad('trace', file('xor1.json', JSON.stringify({ ...xor, epochs: 1 })), '--no-expressions').stdout);
    expect(d.expressions).toBeUndefined();
  });
});

describe('xlgrad run with a CSV data file and mini-batches', () => {
  const csv = file('points.csv', 'x1,x2,y1\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,1\n');
  void csv;
  const config = file('points.json', JSON.stringify({ layers: [2, 3, 1], activation: 'tanh', loss: 'mse', data: 'points.csv', batchSize: 2, lr: 0.1, epochs: 2 }));

  it('prints one summary line per epoch and says how to see every step', () => {
    const r = xlgrad('run', config);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toContain('5 samples, batches of 2');
    expect(lines(r.stdout).filter((l) => l.startsWith('epoch '))).toHaveLength(2);
    expect(r.stdout).toContain('steps 1–3');
    expect(r.stdout).toContain('--steps');
  });

  it('xlgrad run --steps prints every step with its samples, the last batch partial', () => {
    const out = xlgrad('run', config, '--steps').stdout;
    expect(lines(out).filter((l) => l.startsWith('step '))).toHaveLength(6);
    expect(out).toContain('step 3 (epoch 1, batch 3, sample 5)');
    expect(out).toContain('  sample 2: z1=');
  });

  it('a CSV with a non-numeric cell is refused with its line and column, exit 2', () => {
    file('bad.csv', 'x1,x2,y1\n0,0,0\n0,abc,1\n');
    const r = xlgrad('run', file('bad.json', JSON.stringify({ layers: [2, 1], data: 'bad.csv', lr: 0.1, epochs: 1 })));
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/line 3, column 2 \(x2\)/);
  });
});
