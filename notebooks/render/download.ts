// The Download button: the workbook is built by buildWorkbook, the function
// `xlgrad export` uses, loaded (with exceljs) only when the button is clicked.

import type { Config } from '../../src/config.ts';

export function renderDownload(el: HTMLElement, d: { config: Config; filename: string }): void {
  let button = el.querySelector<HTMLButtonElement>('button');
  let status = el.querySelector<HTMLElement>('.status');
  if (!button || !status) {
    button = document.createElement('button');
    button.type = 'button';
    button.className = 'download';
    status = document.createElement('span');
    status.className = 'status';
    status.setAttribute('role', 'status');
    el.replaceChildren(button, status);
  }
  const b = button, s = status;
  b.textContent = `Download ${d.filename}`;
  s.textContent = '';
  b.onclick = async () => {
    b.disabled = true;
    s.textContent = 'building the workbook…';
    try {
      const { buildWorkbook } = await import('../../src/workbook/buildWorkbook.ts');
      const bytes = await buildWorkbook(d.config);
      const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = d.filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      s.textContent = `saved ${d.filename} (${Math.round(bytes.length / 1024)} kB)`;
    } catch (e) {
      s.textContent = `could not build the workbook: ${e instanceof Error ? e.message : String(e)}`;
      s.classList.add('error');
    } finally {
      b.disabled = false;
    }
  };
}
