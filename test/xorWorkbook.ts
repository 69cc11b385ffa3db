// Learner-style XOR workbooks: a 2-2-1 sigmoid network with biases, the four
// samples trained full-batch with ½·the summed squared error, one row per
// iteration. A row holds the weights entering the iteration, each sample's
// forward and backward pass in a block of its own (`x1 x2 y h1 h2 o E δo δh1
// δh2`), the total error and the gradients summed over the samples; the next
// row's weights are the update `=B5-$H$2*AB5`. Every formula is typed as a
// learner types it. Formulas are written once over `{id}` (this sample's
// column, same row), `{id#s}` (sample s's), `{id@prev}` (the row above).
// With `sign: 'opposite'` the sheet follows the courses that write the delta
// rule as δo = (y − o)·o·(1 − o), the negative of ∂E/∂net: every δ and every
// summed gradient is negated, and the update adds, `=B5+$H$2*AB5`.

import ExcelJS from 'exceljs';

export const XOR = {
  x: [[0, 0], [0, 1], [1, 0], [1, 1]],
  y: [0, 1, 1, 0],
  /** The starting weights, as fixtures/pytorch/record.py's XOR_PARAMS. */
  params: { w1: 0.5, w2: -0.4, w3: 0.9, w4: 1.0, w5: -1.2, w6: 1.1, b1: 0.1, b2: -0.3, b3: 0.2 } as Record<string, number>,
  lr: 0.5,
};

const PARAMS = Object.keys(XOR.params);
const SAMPLES = [1, 2, 3, 4];
const sum = (term: (s: number) => string) => `=${SAMPLES.map(term).join('+')}`;

/** Each sample's block: id, heading, formula. */
export const BLOCK: { id: string; heading: string; formula: string }[] = [
  { id: 'x1', heading: 'x1', formula: '' },
  { id: 'x2', heading: 'x2', formula: '' },
  { id: 'y', heading: 'y', formula: '' },
  { id: 'h1', heading: 'h1', formula: '=1/(1+EXP(-({w1}*{x1}+{w2}*{x2}+{b1})))' },
  { id: 'h2', heading: 'h2', formula: '=1/(1+EXP(-({w3}*{x1}+{w4}*{x2}+{b2})))' },
  { id: 'o', heading: 'o', formula: '=1/(1+EXP(-({w5}*{h1}+{w6}*{h2}+{b3})))' },
  { id: 'E', heading: 'E', formula: '=0.5*({y}-{o})^2' },
  { id: 'do', heading: 'δo', formula: '=({o}-{y})*{o}*(1-{o})' },
  { id: 'dh1', heading: 'δh1', formula: '={do}*{w5}*{h1}*(1-{h1})' },
  { id: 'dh2', heading: 'δh2', formula: '={do}*{w6}*{h2}*(1-{h2})' },
];

/** The gradients summed over the samples. */
export const GRADIENTS: Record<string, string> = {
  w1: sum((s) => `{dh1#${s}}*{x1#${s}}`),
  w2: sum((s) => `{dh1#${s}}*{x2#${s}}`),
  w3: sum((s) => `{dh2#${s}}*{x1#${s}}`),
  w4: sum((s) => `{dh2#${s}}*{x2#${s}}`),
  w5: sum((s) => `{do#${s}}*{h1#${s}}`),
  w6: sum((s) => `{do#${s}}*{h2#${s}}`),
  b1: sum((s) => `{dh1#${s}}`),
  b2: sum((s) => `{dh2#${s}}`),
  b3: sum((s) => `{do#${s}}`),
};

export interface XorSheet {
  iterations?: number;
  /** A block heading of sample s: the heading repeated (default), or labelled with its sample (`h1 (2)`, `h1_s2`). */
  heading?: (heading: string, sample: number) => string;
  /** Formulas replacing a block column's in one sample (`{ id: 'dh2', sample: 3, formula }`, every sample without one) or a gradient's (`{ id: 'g_w4' }`), every row (from iteration `from` on): the planted mistake. */
  plant?: { id: string; sample?: number; formula: string; from?: number };
  /** `gradient` (default): δ is ∂E/∂net; `opposite`: δ written as (y − o)·f′, so every δ and gradient cell holds −∂E/∂…, and the update adds it. */
  sign?: 'gradient' | 'opposite';
  /** `mean`: E = (y − o)² per sample and E_total their mean, so δo = 0.5·(o − y)·o·(1 − o) (PyTorch's MSELoss); default ½·the sum. */
  variant?: 'sum' | 'mean';
  /** Headings of columns after the gradients holding the updated parameters (`w1'`), which the next row's weights copy; none by default. */
  updated?: (param: string) => string;
}

/** The formulas the mean variant writes instead. */
const MEAN: Record<string, string> = { E: '=({y}-{o})^2', do: '=0.5*({o}-{y})*{o}*(1-{o})' };
/** δo with the opposite sign, in each variant. */
const OPPOSITE: Record<'sum' | 'mean', string> = { sum: '=({y}-{o})*{o}*(1-{o})', mean: '=0.5*({y}-{o})*{o}*(1-{o})' };

const letters = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : letters(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

export const HEADER_ROW = 4;
const LR_CELL = '$H$2';

/** Column ids in order: `Epoch`, the parameters, the four blocks (`h1#2`), `E_total`, the gradients (`g_w1`). */
export function xorColumns(sheet: XorSheet = {}): string[] {
  return ['epoch', ...PARAMS, ...SAMPLES.flatMap((s) => BLOCK.map((b) => `${b.id}#${s}`)), 'E_total', ...PARAMS.map((p) => `g_${p}`), ...(sheet.updated ? PARAMS.map((p) => `new_${p}`) : [])];
}

/** The cell of column `id` in iteration k: `C7`. */
export function xorCell(id: string, k: number, sheet: XorSheet = {}): string {
  return `${letters(xorColumns(sheet).indexOf(id) + 1)}${HEADER_ROW + k}`;
}

export async function xorWorkbook(sheet: XorSheet = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('XOR');
  const columns = xorColumns(sheet);
  const iterations = sheet.iterations ?? 60;
  ws.getCell('A1').value = 'XOR, full batch';
  ws.getCell('G2').value = 'η =';
  ws.getCell('H2').value = XOR.lr;
  const heading = sheet.heading ?? ((h) => h);
  const opposite = sheet.sign === 'opposite';
  // w − η·∂E/∂w, or w + η·δ·a with the opposite sign.
  const step = opposite ? '+' : '-';
  columns.forEach((id, i) => {
    const [base, s] = id.split('#');
    const text = id === 'epoch' ? 'Epoch' : id.startsWith('new_') ? sheet.updated!(id.slice(4)) : id.startsWith('g_') ? `∂E/∂${id.slice(2)}` : s ? heading(BLOCK.find((b) => b.id === base)!.heading, Number(s)) : id;
    ws.getCell(HEADER_ROW, i + 1).value = text;
  });
  for (let k = 1; k <= iterations; k++) {
    const row = HEADER_ROW + k;
    const cellOf = (id: string, prev = false) => `${letters(columns.indexOf(id) + 1)}${prev ? row - 1 : row}`;
    /** A formula template written out for sample s (0 outside the blocks). */
    const write = (template: string, s: number) =>
      template.slice(1).replace(/\{(\w+)(?:#(\d))?(@prev)?\}/g, (_, ref: string, of?: string, prev?: string) => {
        if (ref === 'lr') return LR_CELL;
        if (PARAMS.includes(ref) || columns.includes(ref)) return cellOf(ref, !!prev);
        return cellOf(`${ref}#${of ?? s}`, !!prev);
      });
    columns.forEach((id, i) => {
      const cell = ws.getCell(row, i + 1);
      const [base, s] = id.split('#');
      const set = (template: string, sample = 0) => (cell.value = { formula: write(template, sample) } as ExcelJS.CellFormulaValue);
      if (id === 'epoch') cell.value = k === 1 ? 1 : ({ formula: `${cellOf('epoch', true)}+1` } as ExcelJS.CellFormulaValue);
      else if (PARAMS.includes(id)) cell.value = k === 1 ? XOR.params[id]! : ({ formula: sheet.updated ? cellOf(`new_${id}`, true) : `${cellOf(id, true)}${step}${LR_CELL}*${cellOf(`g_${id}`, true)}` } as ExcelJS.CellFormulaValue);
      else if (id.startsWith('new_')) set(sheet.plant?.id === id ? sheet.plant.formula : `={${id.slice(4)}}${step}{lr}*{g_${id.slice(4)}}`);
      else if (s) {
        const sample = Number(s);
        const data = base === 'x1' ? XOR.x[sample - 1]![0] : base === 'x2' ? XOR.x[sample - 1]![1] : base === 'y' ? XOR.y[sample - 1] : undefined;
        if (data !== undefined) cell.value = k === 1 ? data : ({ formula: cellOf(id, true) } as ExcelJS.CellFormulaValue);
        else {
          const planted = sheet.plant && sheet.plant.id === base && (sheet.plant.sample ?? sample) === sample && k >= (sheet.plant.from ?? 1) ? sheet.plant.formula : undefined;
          const own = opposite && base === 'do' ? OPPOSITE[sheet.variant ?? 'sum'] : sheet.variant === 'mean' ? MEAN[base!] : undefined;
          set(planted ?? own ?? BLOCK.find((b) => b.id === base)!.formula, sample);
        }
      } else if (id === 'E_total') set(sheet.variant === 'mean' ? `=(${sum((n) => `{E#${n}}`).slice(1)})/4` : sum((n) => `{E#${n}}`));
      else set(sheet.plant?.id === id && k >= (sheet.plant.from ?? 1) ? sheet.plant.formula : GRADIENTS[id.slice(2)]!);
    });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
