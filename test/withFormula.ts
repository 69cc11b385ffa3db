// A learner's fix typed in: the workbook's bytes with one cell's formula replaced.

import ExcelJS from 'exceljs';

/** The bytes with the formula of `cell` (`Sheet1!AA5`, `'My sheet'!B3`) replaced by `formula` (`=…`). */
export async function withFormula(bytes: Uint8Array, cell: string, formula: string): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const [sheet, address] = [cell.slice(0, cell.lastIndexOf('!')).replace(/^'|'$/g, '').replace(/''/g, "'"), cell.slice(cell.lastIndexOf('!') + 1)];
  wb.getWorksheet(sheet)!.getCell(address).value = { formula: formula.replace(/^=/, '') } as ExcelJS.CellFormulaValue;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
