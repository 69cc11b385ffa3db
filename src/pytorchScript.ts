// A run as a standalone PyTorch script: the same model, initial parameters,
// data, loss, optimizer and batches, trained by torch itself. It prints one
// JSON line per optimizer step ({"step", "epoch", "batch", "loss"}) and a last
// line {"final": {"w1": …, "b1": …}} with xlgrad's parameter names, so its
// numbers can be set beside a trace (test/pytorchScript.test.ts does).
//
// Facts it relies on (PyTorch 1.13 and 2.x): each nn.Linear draws its weight,
// then its bias, when it is constructed, in the default dtype, from the
// generator torch.manual_seed seeds; Module.to(dtype) converts the parameters
// in place; DataLoader(shuffle=False) yields consecutive batches, the last one
// partial; the loss modules reduce as network.ts's reduceLoss says.

import type { Config } from './config.ts';
import { linearLayers, paramNames } from './names.ts';
import type { Activation, Loss } from './network.ts';

const MODULES: Record<Activation, string | undefined> = { relu: 'nn.ReLU()', sigmoid: 'nn.Sigmoid()', tanh: 'nn.Tanh()', identity: undefined };

/** The criterion, reducing as xlgrad's losses do (README's loss table). */
const CRITERIA: Record<Loss, string> = {
  squared_error: "nn.MSELoss(reduction='sum')",
  mse: 'nn.MSELoss()',
  half_squared_error: "lambda yhat, y: 0.5 * nn.functional.mse_loss(yhat, y, reduction='sum')",
  cross_entropy: 'nn.CrossEntropyLoss()',
  bce_with_logits: 'nn.BCEWithLogitsLoss()',
};

/** A Python float literal that reads back as exactly `v` (JavaScript's shortest round-trip digits; -0 kept). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`pyFloat: ${v} is not finite`);
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const pyBool = (b: boolean) => (b ? 'True' : 'False');
const list = (values: readonly number[]) => `[${values.map(pyFloat).join(', ')}]`;
/** Rows of numbers as a Python list, one row per line. */
const rows = (values: readonly (readonly number[])[], indent: string) => `[\n${values.map((r) => `${indent}    ${list(r)},`).join('\n')}\n${indent}]`;

function optimizerLine(config: Config): string {
  const o = config.optimizer;
  const lr = `lr=${pyFloat(config.lr)}`;
  if (o.name === 'sgd') {
    return `torch.optim.SGD(model.parameters(), ${lr}, momentum=${pyFloat(o.momentum)}, dampening=${pyFloat(o.dampening)}, nesterov=${pyBool(o.nesterov)}, weight_decay=${pyFloat(o.weightDecay)})`;
  }
  return `torch.optim.Adam(model.parameters(), ${lr}, betas=(${pyFloat(o.betas[0])}, ${pyFloat(o.betas[1])}), eps=${pyFloat(o.eps)}, weight_decay=${pyFloat(o.weightDecay)})`;
}

/** The script's initialisation: the seeded build (with the draw's dtype) or explicit values copied in. */
function initLines(config: Config, linears: string[]): string[] {
  const init = config.init;
  if (!('torchSeed' in init)) return linears;
  const lines = [`torch.manual_seed(${init.torchSeed})`];
  if (init.draw === 'float64') {
    lines.push('# xlgrad drew these in float64: build the layers with float64 as the default dtype.');
    lines.push('torch.set_default_dtype(torch.float64)');
  }
  lines.push(...linears);
  if (init.draw === 'float64') lines.push('torch.set_default_dtype(torch.float32)');
  return lines;
}

/** The standalone script of `config`'s run (Python 3, torch ≥ 1.13). */
export function pytorchScript(config: Config): string {
  const layers = linearLayers(config.layers, config.bias);
  const lin = (l: number) => `linear${l + 1}`;
  const dtype = config.dtype === 'float64' ? 'torch.float64' : 'torch.float32';
  const linears = layers.map((l, i) => `${lin(i)} = nn.Linear(${l.fanIn}, ${l.fanOut}, bias=${pyBool(config.bias[i]!)})`);
  const modules = layers.flatMap((_, i) => {
    const act = MODULES[i === layers.length - 1 ? config.outputActivation : config.activation];
    return act === undefined ? [lin(i)] : [lin(i), act];
  });
  // Every parameter tensor with xlgrad's names of its entries (row-major), in paramNames' order: weights first, then biases.
  const tensors = [
    ...layers.map((l, i) => [`${lin(i)}.weight`, l.weights] as const),
    ...layers.flatMap((l, i) => (l.biases.length ? [[`${lin(i)}.bias`, l.biases] as const] : [])),
  ];
  const named = tensors.flatMap(([, n]) => n);
  if (named.join() !== paramNames(config.layers, config.bias).join()) throw new Error('pytorchScript: parameter order differs from paramNames');

  const init = config.init;
  const rounding = 'torchSeed' in init && init.rounding === 'portable';
  const ce = config.loss === 'cross_entropy';
  const out: string[] = [
    '#!/usr/bin/env python3',
    `"""The xlgrad run ${config.layers.join('-')} (${config.activation}, output ${config.outputActivation}, ${config.loss}, ${config.optimizer.name}, ${config.dtype}) in PyTorch.`,
    '',
    'Prints one JSON line per optimizer step, {"step", "epoch", "batch", "loss"}, then',
    '{"final": {...}} with the parameters after the last step, named as xlgrad names them:',
    'w1, w2, ... (each nn.Linear weight row-major, layer by layer), then b1, b2, ...',
    '"""',
    '',
    'import json',
  ];
  if (rounding) {
    out.push('import os', '', "# init.rounding 'portable': PyTorch's non-vectorised kernels, as builds without AVX2 draw.", "os.environ['ATEN_CPU_CAPABILITY'] = 'default'");
  }
  out.push(
    '',
    'import torch',
    'from torch import nn',
    'from torch.utils.data import DataLoader, TensorDataset',
    '',
    `DTYPE = ${dtype}`,
    '',
    '# The model, and its initial parameters.',
    ...initLines(config, linears),
    `model = nn.Sequential(${modules.join(', ')}).to(DTYPE)`,
  );
  if (!('torchSeed' in init)) {
    out.push('with torch.no_grad():');
    layers.forEach((l, i) => {
      const w = Array.from({ length: l.fanOut }, (_, r) => l.weights.slice(r * l.fanIn, (r + 1) * l.fanIn).map((n) => init.params[n]!));
      out.push(`    ${lin(i)}.weight.copy_(torch.tensor(${rows(w, '    ')}, dtype=DTYPE))`);
      if (l.biases.length) out.push(`    ${lin(i)}.bias.copy_(torch.tensor(${list(l.biases.map((n) => init.params[n]!))}, dtype=DTYPE))`);
    });
  }
  out.push(
    '',
    "# xlgrad's name of every parameter entry.",
    'NAMES = [',
    ...tensors.map(([t, n]) => `    (${t}, ${JSON.stringify(n)}),`),
    ']',
    '',
    '',
    'def parameters():',
    '    return {name: value for tensor, names in NAMES for name, value in zip(names, tensor.detach().reshape(-1).tolist())}',
    '',
    '',
    '# The data: one sample per row.',
    `x = torch.tensor(${rows(config.x, '')}, dtype=DTYPE)`,
    ce
      ? `y = torch.tensor(${JSON.stringify(config.y.map((r) => r[0]!))}, dtype=torch.long)  # class indices`
      : `y = torch.tensor(${rows(config.y, '')}, dtype=DTYPE)`,
    `loader = DataLoader(TensorDataset(x, y), batch_size=${config.batchSize}, shuffle=False)`,
    `criterion = ${CRITERIA[config.loss]}`,
    `optimizer = ${optimizerLine(config)}`,
    '',
    'step = 0',
    `for epoch in range(1, ${config.epochs} + 1):`,
    '    for batch, (xb, yb) in enumerate(loader, start=1):',
    '        step += 1',
    '        optimizer.zero_grad()',
    '        loss = criterion(model(xb), yb)',
    '        loss.backward()',
    '        optimizer.step()',
    '        print(json.dumps({"step": step, "epoch": epoch, "batch": batch, "loss": loss.item()}))',
    'print(json.dumps({"final": parameters()}))',
    '',
  );
  return out.join('\n');
}
