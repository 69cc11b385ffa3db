// The Inputs sheet: the run's settings, the data (one data point, or a table of
// samples), the learning rate and the initial parameters, each in a labelled
// cell. The yellow cells are what every formula of every step (sheet or row)
// ultimately reads. And a hidden
// sheet holding the configuration as JSON, so `verify` needs nothing but the workbook.

import type { Config } from '../config.ts';
import { DEFAULT_STEP } from '../finiteDifference.ts';
import type { Network } from '../network.ts';
import { toText } from '../toText.ts';
import { SheetBuilder, VALUE_FORMAT, type LayoutKind, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { CONFIG, dataName, finalName, initName, inputName, LR, STEP, stepName } from './names.ts';
import type { Plan } from './plan.ts';
import type { WorkbookRun } from './runWorkbook.ts';

/**
 * What each parameter is, in the article's words: the weight of a1 in z3. The
 * names are the network's own: per Linear layer its template nodes hold the
 * layer's pre-activations, then its activations (network.ts).
 */
function describeParams(net: Network): Record<string, string> {
  const out: Record<string, string> = {};
  let incoming = net.template.x, at = 0;
  for (const layer of net.layers) {
    const zs = net.template.nodes.slice(at, at + layer.fanOut);
    zs.forEach((z, j) => {
      for (let i = 0; i < layer.fanIn; i++) out[layer.weights[j * layer.fanIn + i]!] = `weight of ${incoming[i]} in ${z}`;
      if (layer.biases.length) out[layer.biases[j]!] = `bias of ${z}`;
    });
    incoming = net.template.nodes.slice(at + layer.fanOut, at + 2 * layer.fanOut);
    at += 2 * layer.fanOut;
  }
  return out;
}

/** Which Linear layers have a bias, when not all do. */
function biasNote(bias: readonly boolean[]): string {
  if (bias.every(Boolean)) return '';
  if (!bias.some(Boolean)) return '; no Linear layer has a bias';
  const without = bias.flatMap((b, l) => (b ? [] : [l + 1]));
  return `; Linear layer${without.length === 1 ? '' : 's'} ${without.join(', ')} without a bias`;
}

function settings(s: SheetBuilder, plan: Plan, row: number, kind: LayoutKind): number {
  const { config, net } = plan;
  const init = 'torchSeed' in config.init ? `torch.manual_seed(${config.init.torchSeed})` : 'explicit parameters';
  const rows: [string, string | number, string][] = [
    ['layers', config.layers.join('-'), `units per layer, inputs first${biasNote(config.bias)}`],
    ['activation', config.activation, 'of the hidden layers'],
    ['output activation', config.outputActivation, 'of the output layer'],
    ['loss', config.loss, `L = ${toText(net.graph, net.loss)}`],
    ['epochs', config.epochs, kind === 'rows'
      ? `one row per step on the Training sheet: the parameters (the update of the row above), the forward pass, the loss, the backward pass${plan.update.kinds.length ? ', the optimizer\'s state' : ''}`
      : plan.batches === 1 ? 'one sheet per epoch: forward pass, backward pass, update' : `one sheet per optimizer step (${plan.batches} batches per epoch): forward pass, backward pass, update`],
    ['dtype of the run', config.dtype, config.dtype === 'float32'
      ? 'PyTorch rounds every operation to float32; this workbook computes in float64 (as every spreadsheet does) from the same initial parameters'
      : 'float64, like the spreadsheet'],
    ['initialisation', init, 'torchSeed' in config.init ? "PyTorch's nn.Linear draw (kaiming_uniform_), reproduced exactly" : 'given in the config'],
  ];
  const opt = config.optimizer;
  if (opt.name !== 'sgd' || opt.momentum !== 0 || opt.weightDecay !== 0) rows.push(['optimizer', optimizerText(config), 'torch.optim with these settings; its state is shown in cells of its own']);
  if (config.x.length > 1) {
    const batches = Math.ceil(config.x.length / config.batchSize);
    rows.push(['batch size', config.batchSize, `${config.x.length} samples in ${batches} batch${batches === 1 ? '' : 'es'} per epoch, in order (DataLoader(shuffle=False)); one optimizer step per batch`]);
  }
  for (const [label, value, note] of rows) {
    s.text(0, row, label, 'label');
    s.put(1, row, { value, style: 'text' });
    s.text(2, row++, note, 'note');
  }
  return row;
}

/** The optimizer as its settings read: `SGD (momentum 0.9, nesterov)`, `Adam (betas 0.9, 0.999, eps 1e-8)`. */
function optimizerText(config: Config): string {
  const opt = config.optimizer;
  if (opt.name === 'adam') return `Adam (betas ${opt.betas.join(', ')}, eps ${opt.eps}${opt.weightDecay ? `, weight decay ${opt.weightDecay}` : ''})`;
  const parts = [opt.momentum ? `momentum ${opt.momentum}` : '', opt.dampening ? `dampening ${opt.dampening}` : '', opt.nesterov ? 'nesterov' : '', opt.weightDecay ? `weight decay ${opt.weightDecay}` : ''].filter(Boolean);
  return parts.length ? `SGD (${parts.join(', ')})` : 'SGD';
}

function data(s: SheetBuilder, plan: Plan, run: WorkbookRun, row: number, kind: LayoutKind): number {
  const { config, net } = plan;
  const one = net.template;
  const samples = config.x.length;
  const ce = config.loss === 'cross_entropy' ? '; cross-entropy\'s class as one-hot targets' : '';
  const lrNote = config.optimizer.name === 'sgd' && config.optimizer.momentum === 0 && config.optimizer.weightDecay === 0 ? 'learning rate of the SGD update θ − lr·∂L/∂θ' : 'learning rate of the optimizer';
  const rows: [string, string, number, string][] = [];
  if (samples === 1) {
    s.text(0, row++, 'Data point and learning rate', 'section');
    rows.push(
      ...one.x.map((n): [string, string, number, string] => [n, inputName(n), run.data[inputName(n)]!, 'input']),
      ...one.y.map((n): [string, string, number, string] => [n, inputName(n), run.data[inputName(n)]!, `target${ce}`]),
    );
  } else {
    s.text(0, row++, `Data set: ${samples} samples (inputs, then targets${ce})`, 'section');
    s.text(0, row, 'sample', 'header');
    [...one.x, ...one.y].forEach((n, i) => s.text(1 + i, row, n, 'header'));
    row++;
    for (let k = 1; k <= samples; k++) {
      s.text(0, row, `sample ${k}`, 'label');
      [...one.x, ...one.y].forEach((n, i) => s.put(1 + i, row, { value: run.data[dataName(n, k, samples)]!, name: dataName(n, k, samples), style: 'param' }));
      row++;
    }
  }
  rows.push(['lr', LR, config.lr, lrNote]);
  // The rows layout has no numeric-derivative table.
  if (kind === 'sheets') rows.push(['h', STEP, DEFAULT_STEP, 'step of the numeric derivative (L(θ+h) − L(θ−h)) / 2h, as torch.autograd.gradcheck uses']);
  for (const [label, name, value, note] of rows) {
    s.text(0, row, label, 'label');
    s.put(1, row, { value, name, style: 'param' });
    s.text(2, row++, note, 'note');
  }
  return row;
}

function initial(s: SheetBuilder, plan: Plan, params: Record<string, number>, row: number, kind: LayoutKind): number {
  const { config, net } = plan;
  const describe = describeParams(net);
  const rows = kind === 'rows';
  s.text(0, row++, rows ? 'Initial parameters (entering step 1)' : 'Initial parameters (entering epoch 1)', 'section');
  // The rows layout's final row is on the Training sheet, even with no step run.
  const noEpochs = config.epochs === 0 && !rows;
  if (noEpochs) s.text(3, row - 1, 'final (no epochs run)', 'header');
  for (const p of net.params) {
    const name = rows ? initName(p) : stepName(p, 1, plan.batches);
    s.text(0, row, p, 'label');
    s.put(1, row, { value: params[p]!, name, style: 'param', numFmt: VALUE_FORMAT });
    s.text(2, row, describe[p]!, 'note');
    // With no epoch to run, the final parameters are the initial ones.
    if (noEpochs) s.put(3, row, { formula: name, result: params[p]!, name: finalName(p), style: 'value', numFmt: VALUE_FORMAT });
    row++;
  }
  return row;
}

export function inputsSheet(plan: Plan, run: WorkbookRun, names: WorkbookLayout['names'], kind: LayoutKind): LayoutSheet {
  const s = new SheetBuilder('Inputs', names);
  const { config } = plan;
  s.text(0, 1, `xlgrad: a ${config.layers.join('-')} network (${config.activation}, ${config.loss}) trained for ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} with ${optimizerText(config)}`, 'title');
  s.text(0, 2, kind === 'rows'
    ? 'Yellow cells are the inputs: change x, y, lr or an initial parameter and every step on the Training sheet recalculates. Every other number is a live formula; names like w1_init and L_col (a column, one row per step) are defined names (Formulas > Name Manager).'
    : 'Yellow cells are the inputs: change x, y, lr or an initial parameter and every epoch recalculates. Every other number is a live formula; names like w1_e1 are defined names (Formulas > Name Manager).', 'note');
  ['setting', 'value', 'note'].forEach((h, i) => s.text(i, 3, h, 'header'));
  let row = settings(s, plan, 4, kind) + 1;
  row = data(s, plan, run, row, kind) + 1;
  initial(s, plan, run.steps[0]?.params ?? run.final, row, kind);
  return { name: s.name, cells: s.cells, columns: [24, 22, 60, 22], frozen: { rows: 3, cols: 0 } };
}

/** Excel's limit on the text of one cell is 32,767 characters. */
const CHUNK = 30_000;

export function configSheet(config: Config, names: WorkbookLayout['names']): LayoutSheet {
  const s = new SheetBuilder('config', names);
  s.text(0, 1, 'The run\'s configuration as JSON, read by "xlgrad verify"; long text continues in the cells below.', 'note');
  const json = JSON.stringify(config);
  for (let i = 0, row = 2; i < json.length; i += CHUNK, row++) {
    s.put(0, row, { value: json.slice(i, i + CHUNK), style: 'text', ...(row === 2 ? { name: CONFIG } : {}) });
  }
  return { name: s.name, cells: s.cells, columns: [100], hidden: true };
}
