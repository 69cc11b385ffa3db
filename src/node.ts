// `xlgrad/node`: what needs Node on top of the package's entry (api.ts): the
// LibreOffice bridge that recalculates a workbook's formulas, and the command
// line itself, to run a command with your own output streams.

export { recalculate, convertWorkbook, libreOfficeStatus, LibreOfficeError, INSTALL_HINT, type WorkbookInput, type Recalculated, type RecalculatedSheet, type RecalculatedCell, type RecalculatedName, type RecalculatedChart, type CellEdit, type LibreOfficeFailure } from './libreoffice/libreoffice.ts';
export { main, type Io } from './cli/main.ts';
