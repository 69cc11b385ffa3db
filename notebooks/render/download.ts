// The Download button: the workbook is built by buildWorkbook, the function
// `xlgrad export` uses, in a Web Worker (with exceljs, loaded only then), so
// the page stays responsive; the status line shows how far it has got and
// Cancel stops the worker.

import type { Config } from '../../src/config.ts';
import type { Progress } from '../../src/workbook/buildWorkbook.ts';
import type { WorkerReply } from '../workers/buildWorkbook.worker.ts';
import { saveAs } from './saveAs.ts';

const STEPS: Record<Progress['step'], string> = { layout: 'laid out the formulas', sheet: 'writing the sheets', zip: 'compressing the file' };

/** The build of one workbook in a worker; `cancel` ends it at once. */
function build(config: Config, onProgress: (p: Progress) => void): { done: Promise<Uint8Array>; cancel: () => void } {
  const worker = new Worker(new URL('../workers/buildWorkbook.worker.ts', import.meta.url), { type: 'module' });
  let cancel = () => {};
  const done = new Promise<Uint8Array>((resolve, reject) => {
    cancel = () => {
      worker.terminate();
      reject(new Error('cancelled'));
    };
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const m = e.data;
      if (m.type === 'progress') return onProgress(m);
      worker.terminate();
      if (m.type === 'done') resolve(m.bytes);
      else reject(new Error(m.message));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(e.message || 'the workbook worker failed'));
    };
  });
  done.catch(() => undefined);
  worker.postMessage({ config });
  return { done, cancel };
}

export function renderDownload(el: HTMLElement, d: { config: Config; filename: string }): void {
  let button = el.querySelector<HTMLButtonElement>('button.download');
  let stop = el.querySelector<HTMLButtonElement>('button.cancel');
  let status = el.querySelector<HTMLElement>('.status');
  let bar = el.querySelector<HTMLProgressElement>('progress');
  if (!button || !stop || !status || !bar) {
    button = document.createElement('button');
    button.type = 'button';
    button.className = 'download';
    stop = document.createElement('button');
    stop.type = 'button';
    stop.className = 'cancel';
    stop.textContent = 'Cancel';
    stop.hidden = true;
    bar = document.createElement('progress');
    bar.setAttribute('aria-label', 'workbook build progress');
    bar.hidden = true;
    status = document.createElement('span');
    status.className = 'status';
    status.setAttribute('role', 'status');
    el.replaceChildren(button, stop, bar, status);
  }
  const b = button, c = stop, s = status, p = bar;
  b.textContent = `Download ${d.filename}`;
  if (!b.disabled) s.textContent = '';
  b.onclick = async () => {
    b.disabled = true;
    c.hidden = false;
    p.hidden = false;
    p.removeAttribute('value');
    s.classList.remove('error');
    s.textContent = 'building the workbook…';
    const started = performance.now();
    const job = build(d.config, (q) => {
      p.max = q.total;
      p.value = q.done;
      const seconds = Math.round((performance.now() - started) / 1000);
      s.textContent = `building the workbook: ${STEPS[q.step]}${q.step === 'sheet' ? ` (${q.done - 1} of ${q.total - 2})` : ''}… ${seconds} s`;
    });
    c.onclick = job.cancel;
    try {
      const bytes = await job.done;
      saveAs(bytes, d.filename);
      s.textContent = `saved ${d.filename} (${Math.round(bytes.length / 1024)} kB)`;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      s.textContent = message === 'cancelled' ? 'cancelled; nothing was saved' : `could not build the workbook: ${message}`;
      s.classList.toggle('error', message !== 'cancelled');
    } finally {
      b.disabled = false;
      c.hidden = true;
      p.hidden = true;
    }
  };
}
