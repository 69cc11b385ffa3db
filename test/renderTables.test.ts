// @vitest-environment jsdom
// The notebook's renderers redraw in place: what a slider changes is rewritten,
// the rest of the page's elements stay.

import { describe, expect, it } from 'vitest';
import { renderForward } from '../notebooks/render/tables.ts';
import { renderDerivatives } from '../notebooks/render/tex.ts';
import type { DerivativeTex } from '../notebooks/cells/derivatives.ts';

const forward = (x: number, dead: string[] = []) => ({
  columns: ['z1', 'a1', 'L'],
  rows: [1, 2].map((epoch) => ({ epoch, selected: epoch === 1, values: [x, x / 2, epoch], dead })),
  hidden: 0,
});
const texts = (el: HTMLElement) => [...el.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));

describe('renderForward(el, rows)', () => {
  it('renderForward(el, rows) again with the same quantities and epochs rewrites the numbers in the same cells', () => {
    const el = document.createElement('div');
    renderForward(el, forward(1.5));
    const cells = [...el.querySelectorAll('td')];
    expect(texts(el)).toEqual([['1.5', '1.5'], ['0.75', '0.75'], ['1', '2']]);
    renderForward(el, forward(-2, ['z1']));
    expect(texts(el)).toEqual([['-2', '-2'], ['-1', '-1'], ['1', '2']]);
    expect([...el.querySelectorAll('td')]).toEqual(cells);
    expect(cells.map((td) => td.className)).toEqual(['dead selected', 'dead', ' selected', '', ' selected', '']);
  });

  it('renderForward(el, rows) with other epochs builds the table anew', () => {
    const el = document.createElement('div');
    renderForward(el, forward(1.5));
    const first = el.querySelector('td');
    const three = { ...forward(1.5), rows: [...forward(1.5).rows, { epoch: 3, selected: false, values: [7, 8, 9], dead: [] }] };
    renderForward(el, three);
    expect(el.querySelector('td')).not.toBe(first);
    expect(texts(el)).toEqual([['1.5', '1.5', '7'], ['0.75', '0.75', '8'], ['1', '2', '9']]);
  });
});

describe('renderDerivatives(el, list)', () => {
  const line = (name: string, param: boolean, value: number): DerivativeTex => ({
    name, param, value, symbols: `\\frac{\\partial L}{\\partial ${name}}`, numbers: '', template: '= {\\htmlClass{xlnum}{?}}', slots: [String(value)],
  });
  it('renderDerivatives(el, list) with parameters listed between intermediates keeps every typeset line and refills the numbers', () => {
    const el = document.createElement('div');
    // The page lists intermediates first and parameters after; the list interleaves them.
    renderDerivatives(el, [line('z2', false, 1), line('w1', true, 2), line('z1', false, 3)]);
    const typeset = [...el.querySelectorAll('.eq')];
    expect(typeset.map((r) => (r as HTMLElement).dataset.name)).toEqual(['z2', 'z1', 'w1']);
    renderDerivatives(el, [line('z2', false, 4), line('w1', true, 5), line('z1', false, 6)]);
    expect([...el.querySelectorAll('.eq')]).toEqual(typeset);
    expect([...el.querySelectorAll('.xlnum')].map((s) => s.textContent)).toEqual(['4', '6', '5']);
  });
});
