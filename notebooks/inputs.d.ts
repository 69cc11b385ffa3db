// The part of @observablehq/inputs (ISC, ships no types) the page uses. Each
// input is an element whose `value` is current and which emits `input` events.

declare module '@observablehq/inputs' {
  export interface InputElement<T> extends HTMLElement {
    value: T;
  }
  interface Common {
    label?: string | Node;
    disabled?: boolean;
    width?: number | string;
  }
  export function range(extent: [number, number], options?: Common & { value?: number; step?: number; format?: (v: number) => string }): InputElement<number>;
  export function text(options?: Common & { value?: string; placeholder?: string; spellcheck?: boolean; autocomplete?: string }): InputElement<string>;
  export function select<T>(data: readonly T[], options?: Common & { value?: T; format?: (v: T) => string }): InputElement<T>;
  export function radio<T>(data: readonly T[], options?: Common & { value?: T; format?: (v: T) => string }): InputElement<T>;
}
