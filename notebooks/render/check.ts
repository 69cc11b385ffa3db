// The check cell's observer: the report of a learner's uploaded workbook with
// its root causes first (the cell, its value and the expected one, their
// formula beside the expected formula over their own cells), the full report
// folded below them, and the annotated copy to download.

import type { FirstMismatch, Report } from '../../src/check/check.ts';
import type { BrowserCheck } from '../../src/check/checkWorkbookInBrowser.ts';
import type { Upload } from '../cells/upload.ts';
import { num } from '../cells/format.ts';
import { saveAs } from './saveAs.ts';

type Checked = (BrowserCheck & { upload: Upload }) | null;

export function renderCheck(el: HTMLElement, c: Checked): void {
  if (!c) {
    el.replaceChildren();
    return;
  }
  const verdict = document.createElement('p');
  verdict.className = 'verdict';
  if (c.error || !c.report) {
    verdict.classList.add('error');
    verdict.textContent = c.error ?? 'the workbook could not be checked';
    el.replaceChildren(verdict);
    return;
  }
  const r = c.report;
  const runs = c.result?.runs ?? [r];
  const mismatches = runs.reduce((n, run) => n + run.mismatches, 0);
  const checked = runs.reduce((n, run) => n + run.checked, 0);
  const causes = runs.flatMap((run) => run.rootCauses.map((cause) => ({ run, cause })));
  verdict.classList.add(mismatches ? 'bad' : 'good');
  verdict.textContent = mismatches
    ? `${mismatches} of ${checked} checked cells disagree with the engine, from ${causes.length === 1 ? 'one root cause' : `${causes.length} independent root causes`}; the others follow from ${causes.length === 1 ? 'it' : 'them'}.`
    : `All ${checked} checked cells agree with the engine.`;
  const roots = rootCauseList(causes, runs.length > 1);
  const report = document.createElement('pre');
  for (const line of c.lines) {
    const span = document.createElement('span');
    span.textContent = line + '\n';
    if (line.startsWith('first mismatch:')) span.className = 'first-mismatch';
    report.append(span);
  }
  const full = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = `The full report (${c.lines.length} lines)`;
  full.append(summary, report);
  const buttons = document.createElement('div');
  buttons.className = 'check-buttons';
  const marked = document.createElement('button');
  marked.type = 'button';
  marked.textContent = 'Download the marked copy';
  marked.onclick = async () => {
    const { annotateWorkbook } = await import('../../src/check/annotate.ts');
    saveAs(await annotateWorkbook(c.upload.bytes, r), c.upload.name.replace(/\.xlsx$/i, '') + '-checked.xlsx');
  };
  buttons.append(marked);
  if (c.mappingJson) {
    const map = document.createElement('button');
    map.type = 'button';
    map.textContent = 'Download the detected mapping';
    map.onclick = () => saveAs(new TextEncoder().encode(c.mappingJson), 'mapping.json', 'application/json');
    buttons.append(map);
  }
  el.replaceChildren(...[verdict, roots, buttons, full].filter((n): n is HTMLElement => n !== undefined));
}

/** One item per root cause, in dependency order: where, what, and the formula it should have. */
function rootCauseList(causes: { run: Report; cause: FirstMismatch }[], named: boolean): HTMLElement | undefined {
  if (causes.length === 0) return undefined;
  const list = document.createElement('ol');
  list.className = 'root-causes';
  for (const { run, cause } of causes) {
    const item = document.createElement('li');
    const head = document.createElement('p');
    const cell = document.createElement('strong');
    cell.textContent = cause.cell;
    head.append(cell, ` (${cause.key}${cause.label ? `, labelled ${cause.label}` : ''}${named ? `, the run on sheet ${run.sheet}` : ''}): yours ${num(cause.theirs)}, expected ${num(cause.expected)}`);
    item.append(head);
    const formulas: [string, string | undefined][] = [
      ['your formula', cause.formula],
      ['expected', cause.expectedFormula],
      ['in quantities', cause.definition],
    ];
    const dl = document.createElement('dl');
    for (const [term, text] of formulas) {
      if (!text) continue;
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      const code = document.createElement('code');
      code.textContent = text;
      dd.append(code);
      dl.append(dt, dd);
    }
    item.append(dl);
    if (cause.references) {
      const why = document.createElement('p');
      why.className = 'references';
      why.textContent = cause.references;
      item.append(why);
    }
    if (cause.sign) {
      const sign = document.createElement('p');
      sign.className = 'sign';
      sign.textContent = cause.sign;
      item.append(sign);
    }
    list.append(item);
  }
  return list;
}
