// A workbook the reader uploaded, for the check cell.

export interface Upload {
  name: string;
  bytes: Uint8Array;
}
