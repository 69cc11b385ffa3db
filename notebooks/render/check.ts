// The check cell's observer: the report of a learner's uploaded workbook, its
// first mismatch singled out, and the annotated copy to download.

import type { BrowserCheck } from '../../src/check/checkWorkbookInBrowser.ts';
import type { Upload } from '../cells/upload.ts';

type Checked = (BrowserCheck & { upload: Upload }) | null;

function saveAs(bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

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
  verdict.classList.add(r.mismatches ? 'bad' : 'good');
  verdict.textContent = r.mismatches
    ? `${r.mismatches} of ${r.checked} checked cells disagree with the engine; the first one is the root cause.`
    : `All ${r.checked} checked cells agree with the engine.`;
  const report = document.createElement('pre');
  for (const line of c.lines) {
    const span = document.createElement('span');
    span.textContent = line + '\n';
    if (line.startsWith('first mismatch:')) span.className = 'first-mismatch';
    report.append(span);
  }
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
    map.onclick = () => saveAs(new TextEncoder().encode(c.mappingJson), 'mapping.json');
    buttons.append(map);
  }
  el.replaceChildren(verdict, buttons, report);
}
