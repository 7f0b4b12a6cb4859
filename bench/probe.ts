// `npm run bench:probe`: the probe engine benchmark; see packages/probe/bench/engine.ts for flags.
await import('../packages/probe/bench/engine.js')
