// Learner-style workbooks of the course template: Mazur's 2-2-2 sigmoid
// network without biases, ½·squared error, a header row of labels and one row
// per iteration under it, every formula typed as a learner types it
// (`=1/(1+EXP(-F5))`, `=F33-$H$31*Y33`, gradients written out in full). Columns
// are written once, as formulas over `{column}` (same row) and `{column@prev}`
// (the row above), and placed in any order under any heading. With `sign:
// 'opposite'` the sheet follows the courses that write the output's error as
// (t − o): every gradient column (planted ones too) holds −∂E/∂w and the update
// adds it, `=F33+$H$31*Y33`.

import ExcelJS from 'exceljs';

/** Mazur's example: his inputs, targets and initial weights. */
export const MAZUR = { x: [0.05, 0.1], y: [0.01, 0.99], w: [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55] };

const δo1 = '({a_o1}-{t1})*{a_o1}*(1-{a_o1})';
const δo2 = '({a_o2}-{t2})*{a_o2}*(1-{a_o2})';

/** Every column the template has, by id: a number for the first row, the formula of the others. */
export const COLUMNS: Record<string, { first?: number | string; formula: string }> = {
  epoch: { first: 1, formula: '={epoch@prev}+1' },
  i1: { first: MAZUR.x[0], formula: '={i1@prev}' },
  i2: { first: MAZUR.x[1], formula: '={i2@prev}' },
  t1: { first: MAZUR.y[0], formula: '={t1@prev}' },
  t2: { first: MAZUR.y[1], formula: '={t2@prev}' },
  ...Object.fromEntries(MAZUR.w.map((w, i) => [`w${i + 1}`, { first: w, formula: `={w${i + 1}@prev}-{lr}*{g${i + 1}@prev}` }])),
  h1: { formula: '={w1}*{i1}+{w2}*{i2}' },
  h2: { formula: '={w3}*{i1}+{w4}*{i2}' },
  a_h1: { formula: '=1/(1+EXP(-{h1}))' },
  a_h2: { formula: '=1/(1+EXP(-{h2}))' },
  o1: { formula: '={w5}*{a_h1}+{w6}*{a_h2}' },
  o2: { formula: '={w7}*{a_h1}+{w8}*{a_h2}' },
  a_o1: { formula: '=1/(1+EXP(-{o1}))' },
  a_o2: { formula: '=1/(1+EXP(-{o2}))' },
  E1: { formula: '=0.5*({t1}-{a_o1})^2' },
  E2: { formula: '=0.5*({t2}-{a_o2})^2' },
  E: { formula: '={E1}+{E2}' },
  g1: { formula: `=(${δo1}*{w5}+${δo2}*{w7})*{a_h1}*(1-{a_h1})*{i1}` },
  g2: { formula: `=(${δo1}*{w5}+${δo2}*{w7})*{a_h1}*(1-{a_h1})*{i2}` },
  g3: { formula: `=(${δo1}*{w6}+${δo2}*{w8})*{a_h2}*(1-{a_h2})*{i1}` },
  g4: { formula: `=(${δo1}*{w6}+${δo2}*{w8})*{a_h2}*(1-{a_h2})*{i2}` },
  g5: { formula: `=${δo1}*{a_h1}` },
  g6: { formula: `=${δo1}*{a_h2}` },
  g7: { formula: `=${δo2}*{a_h1}` },
  g8: { formula: `=${δo2}*{a_h2}` },
};

/** The template's column order and headings. */
export const ORDER = ['epoch', 't1', 't2', 'i1', 'i2', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'h1', 'a_h1', 'h2', 'a_h2', 'o1', 'a_o1', 'o2', 'a_o2', 'E1', 'E2', 'E', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8'];
export const HEADINGS: Record<string, string> = {
  epoch: 'Epoch', E: 'E_total',
  ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`g${i + 1}`, `∂E_total/∂w${i + 1}`])),
};

export interface Sheet {
  name: string;
  lr: number;
  /** The learning rate's label and how many cells left of its value it sits (1 or 2). */
  lrLabel?: [text: string, offset: 1 | 2];
  iterations?: number;
  order?: string[];
  /** Headings by column id (default: the id itself, or HEADINGS). */
  headings?: Record<string, string>;
  /** Formulas replacing a column's, in every row from the first formula row on: the planted mistake. */
  plant?: Record<string, string>;
  /** The sheet this one continues: its first weights are that sheet's last update, read from it. */
  continues?: Sheet;
  /** A row after the last iteration holding only the weights' last update. */
  finalUpdate?: boolean;
  /** Columns whose first-row number is typed as text ("0.15"), as a paste from a web page leaves it. */
  asText?: string[];
  /** `gradient` (default): the gradient columns hold ∂E/∂w; `opposite`: (t − a_o) for (a_o − t), so they hold −∂E/∂w and the update adds. */
  sign?: 'gradient' | 'opposite';
}

/** A column's formula written with the opposite sign: (t − a_o) in the gradients, + in the updates. */
function opposite(id: string, formula: string): string {
  if (/^g\d$/.test(id)) return formula.replace(/\(\{a_o(\d)\}-\{t(\d)\}\)/g, '({t$2}-{a_o$1})');
  return /^w\d$/.test(id) ? formula.replace('-{lr}*', '+{lr}*') : formula;
}

const letters = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : letters(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26)));

/** Where a sheet's header row and learning rate are: rows 1–3 are a title and the learning rate, the header is row 4. */
export const HEADER_ROW = 4;
const LR_ROW = 2;
const LR_COL = 8;

/** A column's cell in iteration k (1-based): `{ sheet, address }`. */
export function cellOf(sheet: Sheet, id: string, k: number): string {
  const col = (sheet.order ?? ORDER).indexOf(id) + 1;
  if (col === 0) throw new Error(`course workbook: no column ${id}`);
  return `${/^[A-Za-z_]\w*$/.test(sheet.name) ? sheet.name : `'${sheet.name}'`}!${letters(col)}${HEADER_ROW + k}`;
}

export async function courseWorkbook(sheets: Sheet[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    const order = s.order ?? ORDER;
    const iterations = s.iterations ?? 60;
    const colOf = (id: string) => {
      const i = order.indexOf(id);
      if (i < 0) throw new Error(`course workbook: no column ${id}`);
      return letters(i + 1);
    };
    ws.getCell(1, 1).value = 'Backpropagation, worked example';
    const [label, offset] = s.lrLabel ?? ['eta', 1];
    ws.getCell(LR_ROW, LR_COL - offset).value = label;
    ws.getCell(LR_ROW, LR_COL).value = s.lr;
    const lr = `$${letters(LR_COL)}$${LR_ROW}`;
    order.forEach((id, i) => (ws.getCell(HEADER_ROW, i + 1).value = s.headings?.[id] ?? HEADINGS[id] ?? id));
    const last = iterations + (s.finalUpdate ? 1 : 0);
    for (let k = 1; k <= last; k++) {
      const row = HEADER_ROW + k;
      for (const id of order) {
        const c = COLUMNS[id]!;
        const cell = ws.getCell(`${colOf(id)}${row}`);
        if (k > iterations && !/^w\d$/.test(id)) continue;
        const from = s.continues;
        if (k === 1 && from && /^w\d$/.test(id)) {
          // ='Part 1'!F64-'Part 1'!$H$2*'Part 1'!Y64: the update of the other sheet's last row.
          const [w, g] = [cellOf(from, id, from.iterations ?? 60), cellOf(from, `g${id.slice(1)}`, from.iterations ?? 60)];
          cell.value = { formula: `${w}-${w.split('!')[0]}!${lr}*${g}` } as ExcelJS.CellFormulaValue;
          continue;
        }
        if (k === 1 && c.first !== undefined) {
          cell.value = s.asText?.includes(id) ? String(c.first) : c.first;
          continue;
        }
        const written = s.plant?.[id] ?? c.formula;
        const formula = (s.sign === 'opposite' ? opposite(id, written) : written).slice(1).replace(/\{(\w+)(@prev)?\}/g, (_, ref: string, prev?: string) => (ref === 'lr' ? lr : `${colOf(ref)}${prev ? row - 1 : row}`));
        cell.value = { formula } as ExcelJS.CellFormulaValue;
      }
    }
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
