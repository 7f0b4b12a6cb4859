import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const apiTarget = 'http://127.0.0.1:8000'
const sharedSrc = fileURLToPath(new URL('../shared/src/', import.meta.url))

/**
 * The web imports shared's types, plus a few pure helpers by subpath
 * (`@whatisup/shared/status-codes`): the package index re-exports the zod schemas, and their
 * top-level calls would drag zod into the bundle.
 */
export const sharedAlias = [
  { find: /^@whatisup\/shared$/, replacement: `${sharedSrc}index.ts` },
  { find: /^@whatisup\/shared\/([\w-]+)$/, replacement: `${sharedSrc}$1.ts` },
]

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: sharedAlias },
  define: {
    // Composition API only: dropping the Options API and vue-i18n's legacy mode keeps the entry small.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
  preview: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
})
