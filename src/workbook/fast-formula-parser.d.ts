// The part of fast-formula-parser (MIT, ships no types) that evaluateLayout uses.

declare module 'fast-formula-parser' {
  export interface CellRef { sheet: string; row: number; col: number; address?: string }
  export interface RangeRef { sheet: string; from: { row: number; col: number }; to: { row: number; col: number } }
  export interface Position { sheet: string; row: number; col: number }
  /** A function argument as the parser hands it over. */
  export interface Argument { value: unknown; isArray?: boolean; isRangeRef?: boolean; isCellRef?: boolean; omitted?: boolean }

  export class FormulaError extends Error {
    constructor(error: string, msg?: string);
    readonly error: string;
    static readonly VALUE: FormulaError;
    static readonly REF: FormulaError;
    static readonly NAME: FormulaError;
  }

  export interface ParserConfig {
    onCell?: (ref: CellRef) => unknown;
    onRange?: (ref: RangeRef) => unknown[][];
    onVariable?: (name: string, sheet: string) => CellRef | RangeRef | null;
    functions?: Record<string, (...args: Argument[]) => unknown>;
  }

  export default class FormulaParser {
    constructor(config?: ParserConfig);
    parse(formula: string, position: Position, allowReturnArray?: boolean): unknown;
    static FormulaError: typeof FormulaError;
    static FormulaHelpers: {
      flattenParams(params: Argument[], type: number | null, allowUnion: boolean, hook: (item: unknown, info: { isLiteral: boolean }) => void): void;
    };
    static Types: { NUMBER: number };
  }
}
