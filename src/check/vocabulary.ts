// The words learners label quantities with, in one place, for both readers of
// labels: a label beside or above its value (label.ts) and a column heading
// over one row per iteration (headerLabel.ts). English, Portuguese and Korean,
// as the workbooks seen in the field write them. A word with a space or `_`
// matches with either or neither (`E_total`, `E total`, `Etotal`).

/** Subscripts as digits, one space, no trailing `:` or `=`. */
export function clean(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/\s*[:=]$/, '').trim();
}

export const INPUT = ['i', 'x', 'in', 'input', 'entrada', '입력'];
export const TARGET = ['t', 'y', 'target', 'tgt', 'y_true', 'alvo', 'desejado', 'esperado', '목표', '정답'];
export const WEIGHT = ['w', 'peso', '가중치'];
export const BIAS = ['b', 'bias', 'viés', 'vies', '편향'];
/** A hidden unit whose heading does not say before or after its activation. */
export const HIDDEN = ['h', 'oculta', 'oculto', '은닉'];
/** Before a unit's letter (`net_h1`, `entrada_o1`): its pre-activation. */
export const NET = ['net', 'z', 'in', 'sum', 'entrada', '입력'];
/** Before a unit's letter (`out_h1`, `saída_h1`, `출력_h1`): its activation. */
export const OUT = ['out', 'a', 'y', 'act', 'σ', 'sig', 'sigmoid', 'saída', 'saida', '출력'];
/** The network's output ŷ (after the output activation). */
export const OUTPUT = ['yhat', 'y_hat', 'ŷ', 'y_pred', 'pred', 'saída', 'saida', '출력'];
/** One output's own error term, with the output's index (`E1`, `erro 1`, `오차1`). */
export const ERROR = ['e', 'err', 'error', 'erro', '오차'];
export const LOSS = ['e', 'e_total', 'e_tot', 'loss', 'l', 'cost', 'j', 'total error', 'error total', 'erro', 'erro total', 'custo', 'perda', '오차', '총오차', '전체 오차', '손실'];
export const LR = ['lr', 'η', 'eta', 'α', 'alpha', 'learning rate', 'taxa de aprendizagem', 'taxa de aprendizado', '학습률'];
/** A heading whose column counts iterations. */
export const COUNTER = ['epoch', 'epochs', 'iteration', 'iter', 'step', '#', 'n', 'no.', 'no', 'run', 't', 'time', 'época', 'epoca', 'iteração', 'iteracao', '에포크', '반복'];
/** A heading that, followed by a number, starts an epoch's block (`Epoch 2`, `Época 2`). */
export const EPOCH = ['epoch', 'iteration', 'época', 'epoca', 'iteração', 'iteracao', '에포크', '반복'];

/** The words as one regex alternation (no anchors): escaped, a space or `_` in a word optional and either. */
export function anyOf(words: readonly string[]): string {
  return words
    .slice()
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[ _]/g, '[ _]?'))
    .join('|');
}

/** The whole text is one of the words. */
export const exactly = (words: readonly string[]) => new RegExp(`^(?:${anyOf(words)})$`, 'i');

/**
 * A gradient of the loss: `∂E_total/∂w1`, `∂E/∂w1`, `dE/dw1`, `dEtotal_dw1`,
 * `∂L/∂w1`, `dL/dw1`, `δE/δw1`, `E∂w1`, `grad w1`, `gradiente w1`, `∇w1`;
 * group 1 is what it is the gradient of.
 */
export const GRADIENT = new RegExp(`^(?:(?:∂|d|δ)\\s*(?:${anyOf(LOSS)})\\s*(?:/|_)?\\s*(?:∂|d|δ)|e\\s*∂|(?:gradient|gradiente|grad|기울기)\\s+(?:of\\s+|de\\s+)?|∇\\s*)\\s*(.+)$`, 'i');
