import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cruise, type IReporterOutput } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { layerRules, LAYERS } = require('../../../scripts/layers.cjs') as {
  layerRules: (root: string) => unknown[];
  LAYERS: string[][];
};
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURE = 'apps/server/src/layers.fixture';

async function violations(root: string): Promise<string[]> {
  const result: IReporterOutput = await cruise(
    [root],
    {
      baseDir: repoRoot,
      validate: true,
      ruleSet: { forbidden: layerRules(root) } as never,
      doNotFollow: { path: 'node_modules' },
      tsPreCompilationDeps: true,
      moduleSystems: ['es6'],
    },
    undefined,
    undefined,
  );
  if (typeof result.output === 'string') throw new Error('expected a cruise result, got a report');
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('the layer check (pnpm layers)', () => {
  it('reports an import from a lower layer into a higher one, type-only ones included, and not the downward ones', async () => {
    expect(await violations(FIXTURE)).toEqual([
      `layer-evaluate: ${FIXTURE}/evaluate/window.ts -> ${FIXTURE}/http/route.ts`,
      `layer-store: ${FIXTURE}/store/read.ts -> ${FIXTURE}/http/route.ts`,
    ]);
  });

  it('orders every folder of apps/server/src once', () => {
    const folders = LAYERS.flat();
    expect(new Set(folders).size).toBe(folders.length);
    expect([...folders].sort()).toEqual(
      [
        'alerts',
        'align',
        'auth',
        'compose',
        'config',
        'demo',
        'detect',
        'digest',
        'evaluate',
        'history',
        'http',
        'importer',
        'ingest',
        'kafka',
        'live',
        'model',
        'observe',
        'ownership',
        'partials',
        'report',
        'schedule',
        'share',
        'store',
        'store-server',
        'watch',
      ].sort(),
    );
  });

  it('places every folder that apps/server/src holds, so a new folder cannot slip past the check', () => {
    const src = fileURLToPath(new URL('./', import.meta.url));
    const folders = readdirSync(src, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.endsWith('.fixture'))
      .map((d) => d.name)
      .sort();
    expect(folders).toEqual([...LAYERS.flat()].sort());
  });
});
