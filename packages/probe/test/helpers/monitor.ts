import { kindSettingsSchema } from '@whatisup/shared'
import type { ProbeMonitor } from '../../src/checkers/types.js'

/** An assigned HTTP monitor with every default applied, as the server would send it. */
export function monitor(overrides: Partial<ProbeMonitor<'http'>> = {}): ProbeMonitor<'http'> {
  return {
    id: 'm1',
    check_type: 'http',
    interval_seconds: 60,
    timeout_seconds: 5,
    conditions: [],
    ...kindSettingsSchema('http').parse({ url: 'http://127.0.0.1:1/' }),
    ...overrides,
  }
}
