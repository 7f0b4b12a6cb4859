// Biome does the general lint; ESLint only runs the three typed rules Biome cannot:
// a dropped promise in a probe is a check that silently never runs.
import tseslint from 'typescript-eslint'

export default tseslint.config({
  files: ['packages/{shared,server,probe}/src/**/*.ts'],
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
  },
  plugins: { '@typescript-eslint': tseslint.plugin },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    '@typescript-eslint/switch-exhaustiveness-check': 'error',
  },
})
