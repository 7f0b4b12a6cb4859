import type { Monitor } from '@whatisup/shared'
import type { LocationQuery } from 'vue-router'
import { api } from '../../../api/index'
import { initialState, toServerQuery } from './listState'

export interface MonitorPage {
  items: Monitor[]
  total: number
}

/** One page of the monitors list, with the total from `X-Total-Count`. */
export async function fetchPage(params: Record<string, string | number>): Promise<MonitorPage> {
  const res = await api.request<Monitor[]>('GET', '/monitors', { query: params })
  const total = Number(res.headers.get('X-Total-Count') ?? res.data.length)
  return { items: res.data, total: Number.isFinite(total) ? total : res.data.length }
}

const storage = (): Storage | null => (typeof localStorage === 'undefined' ? null : localStorage)

/** A prefetched answer is only taken this soon after it was asked for. */
const PREFETCH_FRESH_MS = 5_000
let prefetched: { key: string; at: number; page: Promise<MonitorPage> } | null = null

/**
 * Asks for the page the list will show for `query` while the route's code is still loading (the
 * router calls this on the way to the list): on a cold load the data and the code then arrive
 * together instead of one after the other.
 */
export function prefetchMonitorPage(query: LocationQuery): void {
  const params = toServerQuery(initialState(query, storage()))
  const page = fetchPage(params)
  page.catch(() => undefined) // the list's own load reports failures
  prefetched = { key: JSON.stringify(params), at: Date.now(), page }
}

/** The prefetched page for exactly these parameters, once; otherwise a fresh request. */
export function firstPage(params: Record<string, string | number>): Promise<MonitorPage> {
  const hit = prefetched
  prefetched = null
  if (hit && hit.key === JSON.stringify(params) && Date.now() - hit.at < PREFETCH_FRESH_MS) return hit.page
  return fetchPage(params)
}
