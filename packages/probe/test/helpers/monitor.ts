import { kindSettingsSchema, type ProbeKind, type ProbeMonitorConfig } from '@whatisup/shared'
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

/**
 * An assigned monitor of any probe kind, the kind's defaults applied to `settings` as the server
 * would, then `common` (id, timeout_seconds, conditions…) on top.
 *
 * @example
 * monitorOf('tcp', { host: '127.0.0.1', port: 8080 }, { timeout_seconds: 2 })
 */
export function monitorOf<K extends ProbeKind>(
  kind: K,
  settings: Record<string, unknown>,
  common: Partial<ProbeMonitorConfig> = {},
): ProbeMonitor<K> {
  return {
    id: 'm1',
    check_type: kind,
    interval_seconds: 60,
    timeout_seconds: 5,
    conditions: [],
    ...kindSettingsSchema(kind).parse(settings),
    ...common,
  } as unknown as ProbeMonitor<K>
}
