// Reference runs recorded with real PyTorch by fixtures/pytorch/record.py.
// Statically imported so the same list works in Node and in the browser bundle.

import adam from '../fixtures/pytorch/adam.json' with { type: 'json' };
import article from '../fixtures/pytorch/article.json' with { type: 'json' };
import articleFloat64 from '../fixtures/pytorch/article-float64.json' with { type: 'json' };
import bceAdamFloat64 from '../fixtures/pytorch/bce-adam-float64.json' with { type: 'json' };
import bigSeed from '../fixtures/pytorch/big-seed.json' with { type: 'json' };
import ce3MinibatchMomentum from '../fixtures/pytorch/ce3-minibatch-momentum.json' with { type: 'json' };
import deepTanh from '../fixtures/pytorch/deep-tanh.json' with { type: 'json' };
import float64Float32draw from '../fixtures/pytorch/float64-float32draw.json' with { type: 'json' };
import identityFloat64 from '../fixtures/pytorch/identity-float64.json' with { type: 'json' };
import kink from '../fixtures/pytorch/kink.json' with { type: 'json' };
import mazurNobias from '../fixtures/pytorch/mazur-nobias.json' with { type: 'json' };
import minibatchPartial from '../fixtures/pytorch/minibatch-partial.json' with { type: 'json' };
import mixedBias from '../fixtures/pytorch/mixed-bias.json' with { type: 'json' };
import momentumDampening from '../fixtures/pytorch/momentum-dampening.json' with { type: 'json' };
import sgdNesterovWd from '../fixtures/pytorch/sgd-nesterov-wd.json' with { type: 'json' };
import sigmoidMse from '../fixtures/pytorch/sigmoid-mse.json' with { type: 'json' };
import tanhHalf from '../fixtures/pytorch/tanh-half.json' with { type: 'json' };
import wideRelu from '../fixtures/pytorch/wide-relu.json' with { type: 'json' };
import xor from '../fixtures/pytorch/xor.json' with { type: 'json' };
import xorSgd from '../fixtures/pytorch/xor-sgd.json' with { type: 'json' };
import { normalizeConfig, type Config } from './config.ts';

type Values = Record<string, number>;

export interface Fixture {
  name: string;
  description: string;
  /** torch.__version__ of the recording. */
  torch: string;
  cpuCapability: string | null;
  config: Config;
  init: Values;
  /** The initial draw of PyTorch's portable kernels (ATEN_CPU_CAPABILITY=default), for seeded runs. */
  initPortable: Values | null;
  /** Every optimizer step: parameters entering it, per-sample nodes, loss, gradients, optimizer state after it. */
  steps: { step: number; epoch: number; batch: number; samples: number[]; params: Values; nodes: Values[]; loss: number; grads: Values; state: Values }[];
  /** One-sample runs also as epochs, the format of the first recordings. */
  epochs: { epoch: number; params: Values; nodes: Values; yhat: number[]; loss: number; grads: Values }[];
  final: Values;
}

const recorded = [article, articleFloat64, sigmoidMse, tanhHalf, wideRelu, deepTanh, kink, identityFloat64, bigSeed, mazurNobias, xor, minibatchPartial, sgdNesterovWd, momentumDampening, adam, ce3MinibatchMomentum, bceAdamFloat64, mixedBias, float64Float32draw, xorSgd];

export const fixtures: Fixture[] = recorded.map((f) => ({ ...(f as unknown as Fixture), config: normalizeConfig(f.config) }));

/** The recorded fixture whose configuration equals `config` (same net, data, init, lr, dtype; at least as many epochs). */
export function findFixture(config: Config): Fixture | undefined {
  const wanted = keyOf(config);
  return fixtures.find((f, i) => (fixtureKeys[i] ??= keyOf(f.config)) === wanted && f.config.epochs >= config.epochs);
}

// Everything but the epochs; the recordings' keys are made once (the notebook asks on every input change).
const keyOf = (c: Config) => JSON.stringify({ ...c, epochs: 0 });
const fixtureKeys: string[] = [];
