import type { ProbeMonitorConfig } from '@whatisup/shared'

export function monitor(overrides: Partial<ProbeMonitorConfig> = {}): ProbeMonitorConfig {
  return {
    id: 'm1',
    check_type: 'http',
    interval_seconds: 60,
    timeout_seconds: 5,
    url: 'http://127.0.0.1:1/',
    method: 'GET',
    custom_headers: {},
    body: null,
    expected_status_codes: ['200-299'],
    follow_redirects: true,
    max_redirects: 10,
    ...overrides,
  }
}
