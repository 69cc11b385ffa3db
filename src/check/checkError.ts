// The checker's user-facing error: one line naming the file, sheet or cell and
// what is wrong with it. The CLI prints it as it is and exits with code 2.

export class CheckError extends Error {
  override name = 'CheckError';
  readonly userFacing = true;
}
