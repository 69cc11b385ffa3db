// Named configurations: the article's run and every recorded PyTorch fixture.

import { ARTICLE, ConfigError, type Config } from './config.ts';
import { fixtures } from './fixtures.ts';

export const presets: Record<string, Config> = {
  article: ARTICLE,
  ...Object.fromEntries(fixtures.filter((f) => f.name !== 'article').map((f) => [f.name, f.config])),
};

export function preset(name: string): Config {
  const p = presets[name];
  if (!p) throw new ConfigError(`--preset: unknown preset ${JSON.stringify(name)} (available: ${Object.keys(presets).join(', ')})`);
  return structuredClone(p);
}
