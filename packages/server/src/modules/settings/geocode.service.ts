import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { authorize } from '../policy/policy.js'
import type { GeocodeResultDto } from './settings.schemas.js'

const MAX_RESULTS = 5
const MAX_BODY_BYTES = 256 * 1024
const WINDOW_MS = 60_000

/**
 * `<GEOCODER_URL>/search?q=…&format=jsonv2&limit=5`: the user's text only ever lands in the query
 * string, so the request cannot be steered to another host or path.
 *
 * @example searchUrl('https://geo.example.org/nominatim', 'Paris').href
 * // 'https://geo.example.org/nominatim/search?q=Paris&format=jsonv2&limit=5'
 */
export function searchUrl(base: string, q: string): URL {
  const u = new URL(base)
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/search`
  u.search = new URLSearchParams({ q, format: 'jsonv2', limit: String(MAX_RESULTS) }).toString()
  u.hash = ''
  return u
}

const unavailable = (message: string, reason: string) => new AppError('SERVICE_UNAVAILABLE', message, { reason })

/**
 * Places matching `q` from the configured Nominatim-compatible geocoder, for probe registration
 * (superadmin). Limited instance-wide (the public Nominatim allows one request a second), bounded
 * in time and size; redirects are refused rather than followed.
 */
export async function geocode(deps: Deps, ctx: RequestContext, q: string): Promise<GeocodeResultDto[]> {
  authorize(ctx, 'probe:register')
  const base = deps.config.GEOCODER_URL
  if (!base) throw new AppError('NOT_FOUND', 'geocoding is not configured (GEOCODER_URL)')
  const wait = await deps.limiter.hit('geocode', deps.config.GEOCODER_RATE_LIMIT_PER_MINUTE, WINDOW_MS)
  if (wait > 0)
    throw new AppError('RATE_LIMITED', 'too many geocoding requests; try again later', { retryAfterSeconds: wait })

  const timeoutMs = deps.config.GEOCODER_TIMEOUT_MS
  let text: string
  try {
    const res = await fetch(searchUrl(base, q), {
      headers: { 'user-agent': `WhatIsUp/${deps.version} (probe geocoding)`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (res.status !== 200) {
      await res.body?.cancel()
      throw unavailable(`the geocoder answered HTTP ${res.status}`, 'upstream_status')
    }
    text = await readCapped(res)
  } catch (err) {
    if (err instanceof AppError) throw err
    if (err instanceof DOMException && err.name === 'TimeoutError')
      throw unavailable(`the geocoder did not answer within ${timeoutMs} ms`, 'timeout')
    throw unavailable('the geocoder cannot be reached', 'unreachable')
  }
  return parseResults(text)
}

async function readCapped(res: Response): Promise<string> {
  const reader = res.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw unavailable('the geocoder answer is too large', 'bad_response')
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** A number, or a numeric string as Nominatim sends them; NaN otherwise (which no range check accepts). */
const coordinate = (v: unknown) =>
  typeof v === 'number' || (typeof v === 'string' && v.trim() !== '') ? Number(v) : Number.NaN

/** Nominatim gives coordinates as strings; entries without a usable place are dropped. */
function parseResults(text: string): GeocodeResultDto[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw unavailable('the geocoder answer is not JSON', 'bad_response')
  }
  if (!Array.isArray(data)) throw unavailable('the geocoder answer is not a list of places', 'bad_response')
  const out: GeocodeResultDto[] = []
  for (const item of data as unknown[]) {
    if (typeof item !== 'object' || item === null) continue
    const { display_name, lat, lon } = item as Record<string, unknown>
    const la = coordinate(lat)
    const lo = coordinate(lon)
    if (typeof display_name !== 'string' || !(Math.abs(la) <= 90 && Math.abs(lo) <= 180)) continue
    out.push({ display_name: display_name.slice(0, 500), lat: la, lon: lo })
    if (out.length === MAX_RESULTS) break
  }
  return out
}
