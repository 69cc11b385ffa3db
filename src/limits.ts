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

// The notebook page, which recomputes everything on every change (and takes its
// settings from a link anyone can share); bigger runs belong to the CLI.

/** Epochs the page trains. */
export const PAGE_MAX_EPOCHS = 5000;
/**
 * Weights and biases of the page's network, counted by names.ts's paramCount
 * before any graph is built. The five-way table's finite differences take two
 * forward passes per parameter, so one change costs about parameters² node
 * evaluations, and the page draws a TeX line and a table row per parameter:
 * at 337 parameters (2-16-16-1) a change takes about 1.5 s.
 */
export const PAGE_MAX_PARAMS = 400;

/**
 * samples × epochs × parameters of the page's own-data section, which retrains
 * on every change. Measured in Chromium on a shared 2-core machine: 32 points ×
 * 2,000 epochs × 25 parameters (1.6 million) retrain and redraw in about 0.9 s,
 * so the bound keeps a change near a second.
 */
export const PAGE_MAX_WORK = 2_000_000;

// Files a user names, and what is inside them.

/** A learner's workbook given to `check`: a hand-built 1-2-2-1 workbook is tens of kilobytes; 20 MB leaves room for pictures and notes. */
export const MAX_CHECK_WORKBOOK_BYTES = 20 * 1024 * 1024;
/** A workbook given to `verify` (xlgrad's own exports reach a few MB at their cell limit). */
export const MAX_VERIFY_WORKBOOK_BYTES = 50 * 1024 * 1024;
/** Cells read from a learner's workbook: a learner's network needs a few hundred; a million means something else. */
export const MAX_READ_CELLS = 1_000_000;
/**
 * Inflated bytes of one zip part, declared or counted while inflating. xlgrad's
 * largest workbook (at the layout limit) has a Comparison sheet of about 110 MB;
 * this leaves room for twice that.
 */
export const MAX_PART_BYTES = 256 * 2 ** 20;
/** Inflated bytes of all parts together; xlgrad's largest workbooks inflate to about 180 MB. */
export const MAX_INFLATED_BYTES = 512 * 2 ** 20;
/** Parts in one archive; xlgrad writes one sheet per epoch plus about 18 parts (3,218 at its limit). */
export const MAX_PARTS = 10_000;
/** Nesting of arrays and objects in any JSON read: a config nests three deep (`{"init": {"params": {…}}}`), a mapping file two. */
export const MAX_JSON_DEPTH = 64;
/** The checker's expected formula written over a learner's cells: Excel's own limit on a formula's length. */
export const MAX_EXPECTED_FORMULA_CHARS = 8192;

// Workbooks xlgrad writes.

/** Cells of a sheets-layout workbook: exceljs needs about 1.5 kB of memory per cell (1 GB peak at 718,000 cells). */
export const MAX_CELLS = 2_000_000;
/** Cells of a rows-layout workbook, whose step rows are written compactly and streamed to the file. */
export const MAX_ROWS_CELLS = 10_000_000;
