// A whole workbook checked: its runs found (a mapping file, xlgrad's defined
// names, one sheet per run of the rows layout, or labels beside their values),
// each run's network inferred, each checked, and one verdict for all of them:
// agree, mismatch, or unusable (including a pass that checked no computed cell).

import type { Book } from './book.ts';
import { quoteSheet } from '../spreadsheet/address.ts';
import { check, orderMapping, type Report, type Tolerance } from './check.ts';
import { checkConfig, type CheckConfig } from './checkConfig.ts';
import { inferNetwork, type Inferred } from './inferNetwork.ts';
import { mappingFromLabels, mappingFromNames, mappingJson, parseQuantity, type Detected } from './mapping.ts';
import { adjointOf } from '../names.ts';
import { rowsRuns } from './rowsLayout.ts';

export type Verdict = 'agree' | 'mismatch' | 'unusable';

export interface BookCheck {
  verdict: Verdict;
  /** One line saying what the verdict rests on. */
  message: string;
  /** What reading the workbook changed or left out (book.ts). */
  notes: string[];
  runs: Report[];
}

export interface BookCheckOptions {
  /** What the user gave (--config); the rest is inferred. */
  config?: CheckConfig;
  /** Mapping files, one per run (--map). */
  maps?: Detected[];
  values?: string;
  tolerance?: Tolerance;
}

interface Found {
  variants: { detected: Detected; reading: string }[];
  notes: string[];
}

const one = (detected: Detected): Found => ({ variants: [{ detected, reading: '' }], notes: [] });

/** The runs of a workbook: the first way of finding them that applies. */
export function findRuns(book: Book, maps?: Detected[]): Found[] {
  if (maps?.length) return maps.map(one);
  const named = mappingFromNames(book);
  if (Object.keys(named.mapping).length > 0) return [one(named)];
  const rows = rowsRuns(book);
  if (rows.length > 0) return rows;
  return [one(mappingFromLabels(book))];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A run ready to check: its mapping and the network inferred for it. */
export interface PlannedRun extends Inferred {
  notes: string[];
}

/** Every run of the workbook with its network inferred (what --print-map prints). Throws CheckError for input it cannot use. */
export function planRuns(book: Book, options: Pick<BookCheckOptions, 'config' | 'maps'> = {}): PlannedRun[] {
  const cc = options.config ?? checkConfig();
  return findRuns(book, options.maps).map((found) => ({ ...inferNetwork(book, found.variants, cc), notes: found.notes }));
}

/** Checks every run of a recalculated workbook. Throws CheckError for input it cannot use. */
export function checkBook(book: Book, options: BookCheckOptions = {}, plans: PlannedRun[] = planRuns(book, options)): BookCheck {
  const runs = plans.map(({ config, detected, inferred, notes }) => {
    const report = check(book, detected, { config, values: options.values, tolerance: options.tolerance });
    report.notes.unshift(...notes);
    report.inferred = inferred;
    return report;
  });
  return { ...verdictOf(runs), notes: book.notes ?? [], runs };
}

/** The runs' mappings as a mapping file: one object for one run, a list for several. */
export function mappingFileOf(runs: PlannedRun[]): string {
  const ordered = runs.map((r) => JSON.parse(mappingJson(orderMapping(r.detected.mapping, r.config))) as unknown);
  return JSON.stringify(ordered.length === 1 ? ordered[0] : ordered, null, 2);
}

/** A gradient, or a parameter after an update: what backpropagation computes. */
function isBackward(key: string): boolean {
  const q = parseQuantity(key);
  return !!q && (adjointOf(q.name) !== undefined || q.epoch === 'final' || (/^[wb]\d+$/.test(q.name) && typeof q.epoch === 'number' && q.epoch >= 2));
}

function verdictOf(runs: Report[]): { verdict: Verdict; message: string } {
  const where = (r: Report) => (runs.length > 1 ? `sheet ${quoteSheet(r.sheet)}: ` : '');
  const idle = runs.find((r) => r.checked === 0);
  if (idle) return { verdict: 'unusable', message: `${where(idle)}no computed cell was checked (only inputs and initial weights were found): label the forward pass, the loss or the gradients` };
  const forwardOnly = runs.find((r) => !r.rows.some((row) => row.verdict !== 'input' && isBackward(row.key)));
  if (forwardOnly) {
    return { verdict: 'unusable', message: `${where(forwardOnly)}no gradient and no weight update found, only a forward pass: xlgrad checks backpropagation (a network trained by Excel's Solver has no gradient cells); label the gradients (∂E/∂w1, dL/dw1) or the updated weights` };
  }
  const checked = runs.reduce((n, r) => n + r.checked, 0);
  const bad = runs.filter((r) => r.mismatches > 0);
  const of = runs.length > 1 ? ` in ${runs.length} runs` : '';
  if (bad.length === 0) return { verdict: 'agree', message: `all ${checked} checked cells${of} agree with the engine` };
  const roots = bad.flatMap((r) => r.rootCauses);
  const first = roots[0]!;
  const mismatches = bad.reduce((n, r) => n + r.mismatches, 0);
  const runsBad = runs.length > 1 ? ` in ${plural(bad.length, 'run')} of ${runs.length}` : '';
  const named = roots.length === 1 ? 'root cause' : `${roots.length} root causes, the first`;
  return { verdict: 'mismatch', message: `${mismatches} of ${checked} checked cells mismatch${runsBad}; ${named} ${first.key} at ${first.cell}` };
}

/** The report as one JSON document (`xlgrad check --json`). */
export function checkDocument(r: BookCheck): object {
  return {
    verdict: r.verdict,
    message: r.message,
    notes: r.notes,
    runs: r.runs.map((run) => ({
      sheet: run.sheet,
      network: {
        layers: run.network.layers,
        bias: run.network.bias.every((b) => b === run.network.bias[0]) ? run.network.bias[0] : run.network.bias,
        activation: run.network.activation,
        outputActivation: run.network.outputActivation,
        loss: run.network.loss,
        lr: run.lr ?? null,
        inferred: run.inferred ?? [],
      },
      epochs: run.epochs,
      samples: run.samples,
      checked: run.checked,
      mismatches: run.mismatches,
      rootCauses: run.rootCauses.map((c) => ({
        quantity: c.key, cell: c.cell, expected: c.expected, theirs: c.theirs,
        expectedFormula: c.expectedFormula ?? null, theirFormula: c.formula ?? null, definition: c.definition, references: c.references ?? null, sign: c.sign ?? null,
      })),
      notes: run.notes,
    })),
  };
}

/** An input the checker cannot use, as the same document. */
export function unusableDocument(message: string): object {
  return { verdict: 'unusable', message, notes: [], runs: [] };
}
