import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The window is WebKitGTK (Linux), WKWebView (macOS) or WebView2 (Windows):
// all current, so modern output needs no transpiling down.
export default defineConfig(({ mode }) => ({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would become data: URLs; keep everything as files
    // served from 'self' to match the strict CSP.
    assetsInlineLimit: 0,
  },
  // Component tests mount Svelte's browser build in jsdom.
  resolve: mode === 'test' ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
}));
