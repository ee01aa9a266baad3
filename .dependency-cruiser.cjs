/**
 * `pnpm layers`: imports in apps/server/src go down the layers of scripts/layers.cjs only.
 * Tests and fixtures are left out (a test may reach for any part it exercises).
 */
// dependency-cruiser loads its config with require(): a CommonJS module, reading another
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { layerRules } = require('./scripts/layers.cjs');

module.exports = {
  forbidden: layerRules('apps/server/src'),
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.test\\.ts$|\\.fixture\\.ts$|\\.fixture/|(^|/)test-[^/]*\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6'],
  },
};
