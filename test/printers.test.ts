// The printers as artefacts: the article's formulas in plain text and TeX are
// snapshot as readable files under test/snapshots/ (a mismatch writes
// <name>-changed.txt beside the committed file); every expression is checked
// to use only numbers, names, + - * / ^, parentheses, commas and the known functions.

import { describe, expect, it } from 'vitest';
import { fixtures } from '../src/fixtures.ts';
import { network, type Network } from '../src/network.ts';
import { texEquation, texName } from '../src/toTex.ts';
import { expressionsOf, networkOf } from '../src/trace.ts';
import { toText } from '../src/toText.ts';
import { snapshot } from './helpers.ts';

const article = network({ layers: [1, 2, 2, 1], bias: [true, true, true], activation: 'relu', outputActivation: 'identity', loss: 'squared_error' });

const textLines = (net: Network) => Object.entries(expressionsOf(net)).map(([name, e]) => `${name} = ${e}`).join('\n') + '\n';
const texLines = (net: Network) => [...net.nodes, ...net.adjoints].map((name) => texEquation(net.graph, net.id[name]!)).join('\n') + '\n';

describe('snapshots', () => {
  it('expressionsOf(article) matches test/snapshots/article-expressions.txt', () => {
    const text = textLines(article);
    expect(text).toBe(snapshot('article-expressions.txt', text));
  });

  it('texEquation for every node and adjoint of the article matches test/snapshots/article-tex.txt', () => {
    const tex = texLines(article);
    expect(tex).toBe(snapshot('article-tex.txt', tex));
  });

  it('expressionsOf(tanh-half net) matches test/snapshots/tanh-half-expressions.txt (tanh and ½·SSE rules)', () => {
    const net = networkOf(fixtures.find((f) => f.name === 'tanh-half')!.config);
    const text = textLines(net);
    expect(text).toBe(snapshot('tanh-half-expressions.txt', text));
  });
});

// The functions a network's formulas may call: the activations, ReLU's step, and
// the losses' exp, log, softplus and max (cross-entropy's shift). detach prints
// as its argument, and sqrt belongs to Adam's update, not to the graph.
const FUNCTIONS = ['relu', 'step', 'sigmoid', 'tanh', 'exp', 'log', 'softplus', 'max'];

/** The tokens of a plain-text expression that are NOT a number, a known name, an operator, a parenthesis, a comma or a known function call. */
function strangeTokens(expr: string, names: Set<string>): string[] {
  const token = /\s*(?:(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)(\()?|([-+*/^(),])|(\S+))/gy;
  const strange: string[] = [];
  for (const m of expr.matchAll(token)) {
    const [, num, name, call, op, other] = m;
    if (num !== undefined || op !== undefined) continue;
    if (name !== undefined && (call ? FUNCTIONS.includes(name) : names.has(name))) continue;
    strange.push(other ?? m[0].trim());
  }
  return strange;
}

describe('expressionsOf(net) uses only numbers, names, + - * / ^, parentheses, commas and relu/step/sigmoid/tanh/exp/log/softplus/max', () => {
  const nets = [['article', article] as const, ...fixtures.map((f) => [f.name, networkOf(f.config)] as const)];
  it.each(nets)('%s', (_name, net) => {
    const names = new Set(Object.keys(net.id));
    const strange = Object.entries(expressionsOf(net)).flatMap(([n, e]) => strangeTokens(e, names).map((t) => `${n}: ${t}`));
    expect(strange).toEqual([]);
  });

  it('the checker itself rejects what it should', () => {
    const names = new Set(['a1', 'w1']);
    expect(strangeTokens('w1 * a1 + min(a1) - a1 % 2 + NaN + q9 + 1e-7 + detach(a1)', names)).toEqual(['min(', '%', 'NaN', 'q9', 'detach(']);
  });
});

describe('texName(name)', () => {
  it.each([
    ['w8', 'w_{8}'],
    ['yhat1', '\\hat{y}_{1}'],
    ['dL_dw8', '\\frac{\\partial L}{\\partial w_{8}}'],
    ['dL_dyhat1', '\\frac{\\partial L}{\\partial \\hat{y}_{1}}'],
    ['L', 'L'],
  ])('texName(%j) is %j', (name, tex) => {
    expect(texName(name)).toBe(tex);
  });
});

describe('printing batches and cross-entropy', () => {
  const net = network({ layers: [1, 2], bias: [true], activation: 'relu', outputActivation: 'identity', loss: 'cross_entropy' }, 2);
  const text = (name: string) => toText(net.graph, net.id[name]!);

  it('toText(L) of a cross-entropy batch reads as the mean of −Σ y·log p over the samples', () => {
    expect(text('L')).toBe('(-(y1_n1 * logp1_n1 + y2_n1 * logp2_n1) + (-(y1_n2 * logp1_n2 + y2_n2 * logp2_n2))) / 2');
  });

  it('toText(logp1_n1) subtracts the detached max inside the log-sum-exp, with no extra parentheses', () => {
    expect(text('logp1_n1')).toBe('yhat1_n1 - max(yhat1_n1, yhat2_n1) - log(exp(yhat1_n1 - max(yhat1_n1, yhat2_n1)) + exp(yhat2_n1 - max(yhat1_n1, yhat2_n1)))');
  });

  it('texName gives the sample as a superscript: z1_n2 → z_{1}^{(2)}, dL_dyhat1_n2, logp2_n1', () => {
    expect([texName('z1_n2'), texName('dL_dyhat1_n2'), texName('logp2_n1')]).toEqual([
      'z_{1}^{(2)}', '\\frac{\\partial L}{\\partial \\hat{y}_{1}^{(2)}}', '\\log p_{2}^{(1)}',
    ]);
  });
});
