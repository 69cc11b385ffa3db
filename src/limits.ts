// The bounds on a run, in one place. Each is checked against a number the code
// has counted (never estimated) before the work it protects starts, and the
// refusal quotes that number beside the bound.

/** Epochs of one run. */
export const MAX_EPOCHS = 1_000_000;
/** Units in any one layer. */
export const MAX_UNITS = 1024;
/** Weights and biases together, counted by names.ts's paramCount before any name is built. */
export const MAX_PARAMS = 100_000;
/** Numbers in x and y together, inline or from a CSV file (header excluded). */
export const MAX_DATA_CELLS = 1_000_000;
/**
 * epochs × samples × parameters. Each epoch takes every sample forward and
 * backward through every parameter, so the run's cost is this product times a
 * constant. The bound is on that count, not on a timing.
 */
export const MAX_WORK = 2e10;
/** Size of a config file, checked before it is read. */
export const MAX_CONFIG_BYTES = 1 << 20;
/** Size of a CSV data file, checked before it is read: room for MAX_DATA_CELLS numbers written in full (`-1.2345678901234567e-300,` is 25 bytes). */
export const MAX_DATA_BYTES = 32 << 20;
/** Samples in a batch × parameters: the batch graph holds a few nodes for each pair, plus as many for its derivative. */
export const MAX_BATCH_GRAPH = 2_000_000;
/**
 * Graph nodes a trace may evaluate: steps × nodes of the batch graph (forward
 * pass and symbolic gradients), and for the finite differences 2 × parameters
 * forward passes more per step. Finite differences beyond it are left out
 * (and the trace says so); a trace beyond it even without them is refused.
 */
export const MAX_TRACE_WORK = 2e9;
/** Numbers a trace document may hold (its JSON takes about 20 bytes a number). */
export const MAX_TRACE_NUMBERS = 10_000_000;
