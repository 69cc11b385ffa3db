// src/spreadsheet/address.ts: column letters, A1 addresses, sheet quoting and
// references, by example (Excel's own columns and quoting) and by round trip.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absoluteAddress, areaText, cellAddress, columnLetters, columnNumber, parseAddress, parseArea, parseReference, quoteSheet, referenceText, unquoteSheet } from '../src/spreadsheet/address.ts';

/** Excel's limits: 16,384 columns (XFD), 1,048,576 rows. */
const column = fc.integer({ min: 1, max: 16_384 });
const row = fc.integer({ min: 1, max: 1_048_576 });
/** Sheet names as Excel allows them: 1–31 characters, none of : \ / ? * [ ]. */
const sheetName = fc.string({ minLength: 1, maxLength: 31 }).filter((s) => !/[:\\/?*[\]]/.test(s) && s.trim() === s && s !== '');

describe('columnLetters(column), columnNumber(letters)', () => {
  it('columnLetters counts from 1: A, Z, AA, AZ, BA, ZZ, AAA, XFD', () => {
    expect([1, 26, 27, 52, 53, 702, 703, 16_384].map(columnLetters)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA', 'XFD']);
  });
  it('columnNumber is its inverse, in either case', () => {
    expect(['A', 'z', 'AA', 'xfd'].map(columnNumber)).toEqual([1, 26, 27, 16_384]);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (n) => columnNumber(columnLetters(n)) === n));
  });
  it('columnLetters orders columns as numbers do (shorter first, then alphabetically)', () => {
    fc.assert(fc.property(column, column, (a, b) => {
      const [x, y] = [columnLetters(a), columnLetters(b)];
      const byText = x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
      return Math.sign(byText) === Math.sign(a - b);
    }));
  });
  it('columnLetters(0), columnLetters(1.5) and columnNumber("A1") throw', () => {
    expect(() => columnLetters(0)).toThrow(RangeError);
    expect(() => columnLetters(1.5)).toThrow(RangeError);
    expect(() => columnNumber('A1')).toThrow(RangeError);
  });
});

describe('cellAddress(row, column), parseAddress(text)', () => {
  it('cellAddress(3, 2) is B3 and absoluteAddress(3, 2) is $B$3', () => {
    expect([cellAddress(3, 2), absoluteAddress(3, 2), cellAddress(1_048_576, 16_384)]).toEqual(['B3', '$B$3', 'XFD1048576']);
  });
  it('parseAddress reads B3, $B$3, b$3 and refuses A0, 1A, A1:B2 and sheet-qualified text', () => {
    expect([parseAddress('B3'), parseAddress('$B$3'), parseAddress('b$3')]).toEqual(Array(3).fill({ row: 3, column: 2 }));
    expect(['A0', '1A', 'A1:B2', 'S!A1', '', 'ABCD1'].map(parseAddress)).toEqual(Array(6).fill(undefined));
  });
  it('parseAddress(cellAddress(r, c)) and parseAddress(absoluteAddress(r, c)) give r and c back', () => {
    fc.assert(fc.property(row, column, (r, c) => {
      expect(parseAddress(cellAddress(r, c))).toEqual({ row: r, column: c });
      expect(parseAddress(absoluteAddress(r, c))).toEqual({ row: r, column: c });
    }));
  });
});

describe('quoteSheet(name)', () => {
  it('leaves plain identifiers bare and quotes anything Excel would misread', () => {
    expect(['Inputs', 'Epoch_1', 'Epoch 1', "It's", 'AB12', 'R1C1', 'r2c', '1st', 'a.b', 'Σ', 'true'].map(quoteSheet)).toEqual(['Inputs', 'Epoch_1', "'Epoch 1'", "'It''s'", "'AB12'", "'R1C1'", "'r2c'", "'1st'", "'a.b'", "'Σ'", "'true'"]);
  });
  it('unquoteSheet(quoteSheet(name)) is the name', () => {
    fc.assert(fc.property(sheetName, (s) => unquoteSheet(quoteSheet(s)) === s));
  });
});

describe('areaText(area), parseArea(text)', () => {
  it('parseArea orders the corners and refuses three corners; areaText writes B4:B103 or $B$4:$B$103', () => {
    expect(parseArea('C9:A1')).toEqual({ from: { row: 1, column: 1 }, to: { row: 9, column: 3 } });
    expect(parseArea('$B$2')).toEqual({ from: { row: 2, column: 2 } });
    expect(['A1:B2:C3', 'A1:', ':A1', 'S!A1'].map(parseArea)).toEqual(Array(4).fill(undefined));
    const area = { from: { row: 4, column: 2 }, to: { row: 103, column: 2 } };
    expect([areaText(area), areaText(area, true)]).toEqual(['B4:B103', '$B$4:$B$103']);
  });
});

describe('referenceText(ref), parseReference(text)', () => {
  it("referenceText writes Inputs!$B$3, 'Epoch 1'!B3 and Training!$B$4:$B$103", () => {
    expect(referenceText({ sheet: 'Inputs', from: { row: 3, column: 2 } })).toBe('Inputs!$B$3');
    expect(referenceText({ sheet: 'Epoch 1', from: { row: 3, column: 2 } }, false)).toBe("'Epoch 1'!B3");
    expect(referenceText({ sheet: 'Training', from: { row: 4, column: 2 }, to: { row: 103, column: 2 } })).toBe('Training!$B$4:$B$103');
  });
  it('parseReference orders the corners, keeps a one-cell range as one cell and refuses text that is not one reference', () => {
    expect(parseReference("'It''s'!C9:$A$1")).toEqual({ sheet: "It's", from: { row: 1, column: 1 }, to: { row: 9, column: 3 } });
    expect(parseReference('S!B2:B2')).toEqual({ sheet: 'S', from: { row: 2, column: 2 } });
    expect(['B3', 'S!', 'S!B3:', "'S!B3", 'S!B3 + 1', 'S!B3,S!C4', '#REF!'].map(parseReference)).toEqual(Array(7).fill(undefined));
  });
  it('parseReference(referenceText(ref)) gives ref back, for any sheet name Excel allows', () => {
    fc.assert(fc.property(sheetName, row, column, fc.option(fc.tuple(row, column), { nil: undefined }), fc.boolean(), (sheet, r, c, corner, absolute) => {
      const to = corner && { row: Math.max(r, corner[0]), column: Math.max(c, corner[1]) };
      const ref = to && (to.row !== r || to.column !== c) ? { sheet, from: { row: r, column: c }, to } : { sheet, from: { row: r, column: c } };
      expect(parseReference(referenceText(ref, absolute))).toEqual(ref);
    }));
  });
});
