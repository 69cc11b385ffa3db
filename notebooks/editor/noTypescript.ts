// Stands in for the `typescript` package in the page's bundle: Notebook Kit
// transpiles TypeScript cells with the whole compiler (several MB), which the
// page does not ship. A TypeScript cell shows this message instead.

const refuse = (): never => {
  throw new SyntaxError('TypeScript cells do not run in this page; write the cell in JavaScript (type="module")');
};

export const ModuleKind = {} as Record<string, number>;
export const ScriptTarget = {} as Record<string, number>;
export const transpile = refuse;
export const createProgram = refuse;
export const createSourceFile = refuse;
export const isClassExpression = refuse;
export const isFunctionExpression = refuse;
export const isParenthesizedExpression = refuse;
export const isExpressionStatement = refuse;
