import { timingSafeEqual } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { type Family, render, type Sample } from './prometheus.js'
import { BURN_WINDOWS } from './slo.js'
import { evaluateSlo } from './slo.service.js'

const loopDelay = monitorEventLoopDelay({ resolution: 20 })
loopDelay.enable()
const ingested = new WeakMap<Deps, { results: number }>()
const sloCache = new WeakMap<Deps, { at: number; families: Family[] }>()
const SLO_CACHE_MS = 60_000

/** Counts ingested results for the exposition (subscribed once when the routes register). */
export function countIngestion(deps: Deps): void {
  const c = { results: 0 }
  ingested.set(deps, c)
  deps.events.on('ResultsRecorded', (e) => {
    c.results += e.count
  })
}

/** Bearer METRICS_TOKEN, compared in constant time; without a token only process metrics are public. */
export function metricsAccess(deps: Deps, authorization: string | undefined): 'full' | 'process' {
  const token = deps.config.METRICS_TOKEN
  if (!token) return 'process'
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
  const given = Buffer.from(m?.[1] ?? '')
  const want = Buffer.from(token)
  if (given.length !== want.length || !timingSafeEqual(given, want))
    throw new AppError('UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>')
  return 'full'
}

function processFamilies(deps: Deps): Family[] {
  const cpu = process.cpuUsage()
  const mem = process.memoryUsage()
  const g = (name: string, help: string, value: number, type: Family['type'] = 'gauge'): Family => ({
    name,
    help,
    type,
    samples: [{ value }],
  })
  return [
    g('process_cpu_user_seconds_total', 'User CPU time spent in seconds.', cpu.user / 1e6, 'counter'),
    g('process_cpu_system_seconds_total', 'System CPU time spent in seconds.', cpu.system / 1e6, 'counter'),
    g(
      'process_cpu_seconds_total',
      'Total user and system CPU time spent in seconds.',
      (cpu.user + cpu.system) / 1e6,
      'counter',
    ),
    g('process_resident_memory_bytes', 'Resident memory size in bytes.', mem.rss),
    g(
      'process_start_time_seconds',
      'Start time of the process since unix epoch in seconds.',
      Math.round(Date.now() / 1000 - process.uptime()),
    ),
    g('nodejs_heap_size_total_bytes', 'Process heap size from Node.js in bytes.', mem.heapTotal),
    g('nodejs_heap_size_used_bytes', 'Process heap size used from Node.js in bytes.', mem.heapUsed),
    g('nodejs_external_memory_bytes', 'Node.js external memory size in bytes.', mem.external),
    {
      name: 'nodejs_eventloop_lag_seconds',
      help: 'Event loop delay percentiles in seconds.',
      type: 'gauge',
      samples: [0.5, 0.9, 0.99].map((q) => ({
        labels: { quantile: String(q) },
        value: loopDelay.percentile(q * 100) / 1e9,
      })),
    },
    {
      name: 'whatisup_info',
      help: 'WhatIsUp server version.',
      type: 'gauge',
      samples: [{ labels: { version: deps.version }, value: 1 }],
    },
    g(
      'whatisup_results_ingested_total',
      'Check results ingested by this process.',
      ingested.get(deps)?.results ?? 0,
      'counter',
    ),
  ]
}

async function monitorFamilies(deps: Deps): Promise<Family[]> {
  const monitors = await deps.repos.analytics.allMonitorsWithState()
  const up: Sample[] = []
  const status: Sample[] = []
  const latency: Sample[] = []
  for (const m of monitors) {
    const labels = { monitor_id: m.id, monitor_name: m.name, check_type: m.check_type }
    const s = m.enabled !== 1 ? 'paused' : (m.status ?? 'unknown')
    for (const name of ['up', 'degraded', 'down', 'unknown', 'paused'])
      status.push({ labels: { ...labels, status: name }, value: s === name ? 1 : 0 })
    if (s === 'up' || s === 'degraded' || s === 'down') up.push({ labels, value: s === 'down' ? 0 : 1 })
    if (m.last_latency_ms !== null && m.enabled === 1) latency.push({ labels, value: m.last_latency_ms / 1000 })
  }
  return [
    {
      name: 'whatisup_monitor_up',
      help: '1 when the monitor is up or degraded, 0 when down.',
      type: 'gauge',
      samples: up,
    },
    {
      name: 'whatisup_monitor_status',
      help: 'Current status of the monitor (state set).',
      type: 'gauge',
      samples: status,
    },
    {
      name: 'whatisup_monitor_response_time_seconds',
      help: 'Latency of the latest check.',
      type: 'gauge',
      samples: latency,
    },
    ...(await sloFamilies(deps, new Map(monitors.map((m) => [m.id, m])))),
  ]
}

/** SLO gauges, recomputed at most once a minute (each costs a few dozen rollup reads). */
async function sloFamilies(
  deps: Deps,
  monitors: Map<string, { id: string; name: string; interval_seconds: number }>,
): Promise<Family[]> {
  const now = deps.clock.now()
  const cached = sloCache.get(deps)
  if (cached && now - cached.at < SLO_CACHE_MS) return cached.families
  const target: Sample[] = []
  const remaining: Sample[] = []
  const burn: Sample[] = []
  for (const slo of await deps.repos.analytics.listSlos()) {
    const m = monitors.get(slo.monitor_id)
    if (!m) continue
    const r = await evaluateSlo(deps, m, slo)
    const labels = { monitor_id: m.id, monitor_name: m.name }
    target.push({ labels, value: slo.target / 100 })
    remaining.push({ labels, value: r.error_budget_remaining_percent / 100 })
    for (const w of Object.keys(BURN_WINDOWS) as (keyof typeof BURN_WINDOWS)[])
      burn.push({ labels: { ...labels, window: w }, value: r.burn_rates[w] })
  }
  const families: Family[] = [
    { name: 'whatisup_monitor_slo_target_ratio', help: 'SLO target (0–1).', type: 'gauge', samples: target },
    {
      name: 'whatisup_monitor_slo_error_budget_remaining_ratio',
      help: 'Share of the error budget left over the SLO window (negative when overspent).',
      type: 'gauge',
      samples: remaining,
    },
    {
      name: 'whatisup_monitor_slo_burn_rate',
      help: 'Error rate over the rate the SLO allows, per lookback window.',
      type: 'gauge',
      samples: burn,
    },
  ]
  sloCache.set(deps, { at: now, families })
  return families
}

export async function exposition(deps: Deps, access: 'full' | 'process'): Promise<string> {
  const families = processFamilies(deps)
  const size = await deps.repos.storage.sizeBytes()
  families.push({
    name: 'whatisup_storage_size_bytes',
    help: 'Bytes used by the database.',
    type: 'gauge',
    samples: [{ value: size }],
  })
  if (deps.config.MAX_DB_SIZE > 0)
    families.push({
      name: 'whatisup_storage_budget_bytes',
      help: 'MAX_DB_SIZE.',
      type: 'gauge',
      samples: [{ value: deps.config.MAX_DB_SIZE }],
    })
  if (access === 'full') families.push(...(await monitorFamilies(deps)))
  return render(families)
}
