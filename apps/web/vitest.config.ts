import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineProject } from 'vitest/config';

/**
 * The web app's model tests (`*.svelte.test.ts`): they import `.svelte.ts` models, whose runes
 * ($state, $derived) only the Svelte compiler turns into code, so this project runs the Svelte
 * plugin. Its root is the web app, where `svelte` resolves (the plugin dedupes it from the root).
 */
export default defineProject({
  plugins: [svelte()],
  test: {
    name: 'unit-web',
    include: ['src/**/*.svelte.test.ts'],
    environment: 'node',
  },
});
