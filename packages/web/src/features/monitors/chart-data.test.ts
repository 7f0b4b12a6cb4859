import type { ResultDto } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import { buildChartSeries } from './chart-data'

const result = (checked_at: string, response_time_ms: number, timings: ResultDto['timings']): ResultDto => ({
  id: checked_at,
  monitor_id: 'm1',
  probe_id: 'p1',
  checked_at,
  status: timings ? 'up' : 'down',
  response_time_ms,
  http_status: timings ? 200 : null,
  timings,
  failure: timings ? null : { phase: 'connect', message: 'ECONNREFUSED' },
  error_message: null,
  tls: null,
  conditions: [],
  details: null,
  remote_address: null,
  final_url: null,
  redirect_count: 0,
})

describe('buildChartSeries', () => {
  it('orders oldest first, stacks the phases and leaves gaps where a check had no timings', () => {
    const s = buildChartSeries([
      result('2026-01-01T00:02:00.000Z', 50, { dns_ms: 1, connect_ms: 2, ttfb_ms: 40, transfer_ms: 7 }),
      result('2026-01-01T00:01:00.000Z', 3, null),
      result('2026-01-01T00:00:00.000Z', 100, { dns_ms: 10, connect_ms: 20, tls_ms: 30, ttfb_ms: 35, transfer_ms: 5 }),
    ])
    const t0 = Date.parse('2026-01-01T00:00:00.000Z') / 1000
    expect(s.x).toEqual([t0, t0 + 60, t0 + 120])
    expect(s.latency).toEqual([100, 3, 50])
    expect(s.phases.tls).toEqual([30, null, null])
    expect(s.stacked).toEqual([
      [10, null, 1],
      [30, null, 3],
      [60, null, 3],
      [95, null, 43],
      [100, null, 50],
    ])
  })
})
