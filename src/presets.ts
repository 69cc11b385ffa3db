// Named configurations: the article's run and every recorded PyTorch fixture.

import { ARTICLE, ConfigError, type Config } from './config.ts';
import { escapeControls, shorten } from './csv.ts';
import { fixtures } from './fixtures.ts';

export const presets: Record<string, Config> = {
  article: ARTICLE,
  ...Object.fromEntries(fixtures.filter((f) => f.name !== 'article').map((f) => [f.name, f.config])),
};

/** A copy of the named config. Only the table's own names count: `constructor` or `__proto__` is just unknown. */
export function preset(name: string): Config {
  if (!Object.hasOwn(presets, name)) {
    const shown = escapeControls(JSON.stringify(shorten(name)));
    throw new ConfigError(`--preset: unknown preset ${shown} (available: ${Object.keys(presets).join(', ')})`);
  }
  return structuredClone(presets[name]!);
}
