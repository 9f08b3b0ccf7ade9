// Builds the dashboard into web/dist, served by the relay at /admin (src/http/dashboard-assets.ts).
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: '/admin/',
  plugins: [react()],
  resolve: {
    // The generated client and the dashboard must share one graphql module (print() checks its own AST types).
    dedupe: ['graphql', 'react', 'react-dom'],
    alias: { '@clients': path.resolve(import.meta.dirname, '../clients') },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // A chart library and a UI kit: the first load stays small because each page is its own chunk.
    chunkSizeWarningLimit: 700,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev:web`: the relay runs on its own port; the dev server forwards the API to it.
    proxy: {
      '/graphql': { target: process.env.RELAY_URL ?? 'http://127.0.0.1:3000', ws: true },
    },
  },
});
