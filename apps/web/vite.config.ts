import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The Northstar server (`pnpm northstar serve`) listens here in development. */
const SERVER_ORIGIN = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts is its own long-cached chunk (~520 kB, ~177 kB gzipped); warn only beyond that
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      treeshake: {
        // The shared contracts build zod schemas at module level, which Rollup must assume has
        // side effects. The wall imports only types and a few constants from it, so declaring the
        // package pure keeps zod (and the server-side validators) out of the browser bundle.
        moduleSideEffects: (id) => !/[\\/]packages[\\/]shared[\\/]/.test(id),
      },
      output: {
        // ECharts changes far less often than the wall; its own chunk stays cached across deploys.
        manualChunks: (id) => (/[\\/]node_modules[\\/].*[\\/](echarts|zrender)[\\/]/.test(id) ? 'echarts' : undefined),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: SERVER_ORIGIN, changeOrigin: true },
      '/ws': { target: SERVER_ORIGIN, ws: true, changeOrigin: true },
    },
  },
});
