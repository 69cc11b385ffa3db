// An annotated copy of the learner's workbook: every checked cell filled green
// (agrees) or red (disagrees), the cells the run started from in blue, and a
// note on each red cell with the expected value; the first mismatch's note
// also carries the expected formula. Works on bytes, so the CLI writes the copy
// to a file and the notebook offers it as a download; the original is only read.

import type { Report, Row } from './check.ts';
import { parseRef } from './cellRef.ts';
import { openXlsx } from './openXlsx.ts';

const FILL = { ok: 'FFC6EFCE', mismatch: 'FFFFC7CE', input: 'FFDDEBF7' } as const;

function note(row: Row, report: Report): string {
  const lines = [`xlgrad: ${row.key} should be ${row.expected}`, `this cell: ${row.theirs} (difference ${row.difference.toExponential(3)})`];
  const i = report.rootCauses.findIndex((c) => c.cell === row.cell && c.key === row.key);
  const root = report.rootCauses[i];
  if (root) {
    lines.unshift(`${i === 0 ? 'FIRST MISMATCH' : 'ROOT CAUSE'}: the cells it depends on agree, so the mistake is here.`);
    lines.push(`expected ${root.definition}`);
    if (root.expectedFormula) lines.push(`in your cells ${root.expectedFormula}`);
    lines.push(row.formula ? `your formula ${row.formula}${root.theirFormulaNamed ? ` (${root.theirFormulaNamed})` : ''}` : 'this cell holds a typed number, not a formula');
    if (root.references) lines.push(`it ${root.references}`);
    if (root.sign) lines.push(root.sign);
  }
  return lines.join('\n');
}

/** The workbook's bytes with the reports (one per run) painted on; `bytes` is not modified. */
export async function annotateWorkbook(bytes: Uint8Array, reports: Report | Report[]): Promise<Uint8Array> {
  const { wb } = await openXlsx(bytes);
  for (const report of Array.isArray(reports) ? reports : [reports]) for (const row of report.rows) {
    const ref = parseRef(row.cell)!;
    const ws = wb.getWorksheet(ref.sheet);
    if (!ws) continue;
    const cell = ws.getCell(ref.address);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FILL[row.verdict] } };
    if (row.verdict === 'mismatch') cell.note = note(row, report);
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
