import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const server = 'http://127.0.0.1:8080';

/** The console builds into web/dist, which the Express server serves in production. */
export default defineConfig({
  root: here('./client'),
  base: '/',
  plugins: [svelte()],
  build: { outDir: here('./dist'), emptyOutDir: true },
  server: {
    proxy: {
      '/api': server,
      '/socket.io': { target: server, ws: true },
    },
  },
});
