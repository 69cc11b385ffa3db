// The part of @observablehq/runtime 6 (ISC, ships no types) the notebook uses:
// Runtime → Module → Variable, and observers that receive each variable's state.

declare module '@observablehq/runtime' {
  /** What a variable reports: it is computing, it has a value, or it failed. */
  export interface Observer<T = unknown> {
    pending?(): void;
    fulfilled?(value: T, name?: string | null): void;
    rejected?(error: unknown, name?: string | null): void;
  }

  export type Definition = (...inputs: any[]) => unknown;

  export class Variable {
    define(name: string, inputs: readonly string[], definition: Definition): this;
    define(name: string, value: unknown): this;
    delete(): void;
  }

  export class Module {
    /** A variable reported to `observer` (a truthy non-object keeps an unobserved variable computing). */
    variable(observer?: Observer | boolean, options?: { shadow?: Record<string, Definition> }): Variable;
    define(name: string, inputs: readonly string[], definition: Definition): Variable;
    redefine(name: string, inputs: readonly string[], definition: Definition): Variable;
    redefine(name: string, value: unknown): Variable;
    /** The variable's next settled value (computes it if nothing observes it). */
    value(name: string): Promise<any>;
    builtin(name: string, value: unknown): void;
  }

  export class Runtime {
    /** `builtins` become variables every module can use; none are fetched from anywhere. */
    constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
    module(): Module;
    module<M>(define: (runtime: Runtime, observer: (name: string) => Observer | undefined) => M, observer?: (name: string) => Observer | undefined): Module;
    dispose(): void;
  }

  export class RuntimeError extends Error {
    constructor(message: string, input?: string);
  }
}
