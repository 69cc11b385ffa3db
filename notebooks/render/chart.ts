// Charts: a vega-lite spec compiled once per element into a vega View; after
// that a new value only replaces the `table` data set, which is much cheaper
// than building a view. Rendered as SVG, so the page works without canvas and
// a test can read what is drawn.

import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Chart } from '../cells/charts.ts';

const views = new WeakMap<HTMLElement, { key: string; view: View }>();

export async function renderChart(el: HTMLElement, chart: Chart): Promise<void> {
  const key = JSON.stringify(chart.spec);
  let entry = views.get(el);
  if (!entry || entry.key !== key) {
    entry?.view.finalize();
    const holder = document.createElement('div');
    el.replaceChildren(holder);
    const view = new View(parse(compile(chart.spec as unknown as TopLevelSpec).spec), { renderer: 'svg', container: holder, hover: true });
    entry = { key, view };
    views.set(el, entry);
  }
  entry.view.data('table', chart.values);
  await entry.view.runAsync();
}
