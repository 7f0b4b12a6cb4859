import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { authorize } from '../policy/policy.js'
import { type InstanceSettings, type InstanceSettingsPatchInput, tileOrigin } from './settings.schemas.js'

/** Rows of the `settings` key/value table this module owns. */
const KEYS = { map_tile_url: 'instance.map_tile_url', map_attribution: 'instance.map_attribution' } as const

async function read(deps: Deps): Promise<InstanceSettings> {
  const [tiles, attribution] = await Promise.all([
    deps.repos.settings.get(KEYS.map_tile_url),
    deps.repos.settings.get(KEYS.map_attribution),
  ])
  return {
    map_tile_url: tiles ?? '',
    map_attribution: attribution ?? '',
    geocoder_enabled: deps.config.GEOCODER_URL !== undefined,
  }
}

/** The instance-wide settings (superadmin). */
export async function getInstanceSettings(deps: Deps, ctx: RequestContext): Promise<InstanceSettings> {
  authorize(ctx, 'instance:read')
  return read(deps)
}

/** Changes the given settings (superadmin); the CSP follows a new tile host at once on this replica. */
export async function updateInstanceSettings(
  deps: Deps,
  ctx: RequestContext,
  patch: InstanceSettingsPatchInput,
): Promise<InstanceSettings> {
  authorize(ctx, 'instance:manage')
  for (const field of ['map_tile_url', 'map_attribution'] as const) {
    const value = patch[field]
    if (value !== undefined) await deps.repos.settings.set(KEYS[field], value)
  }
  const settings = await read(deps)
  cspCache.set(deps, { imgSrc: tileOrigin(settings.map_tile_url), at: deps.clock.now() })
  return settings
}

const cspCache = new WeakMap<Deps, { imgSrc: string | null; at: number }>()

/**
 * The tile origin the Content-Security-Policy's `img-src` allows, from a cache that
 * {@link refreshTileCsp} keeps fresh (helmet builds headers synchronously).
 */
export const tileImgSrc = (deps: Deps): string | null => cspCache.get(deps)?.imgSrc ?? null

/** Re-reads the tile URL when the cache is older than `maxAgeMs` (another replica may have changed it). */
export async function refreshTileCsp(deps: Deps, maxAgeMs = 60_000): Promise<void> {
  const cached = cspCache.get(deps)
  const now = deps.clock.now()
  if (cached && now - cached.at < maxAgeMs) return
  const tiles = (await deps.repos.settings.get(KEYS.map_tile_url)) ?? ''
  cspCache.set(deps, { imgSrc: tileOrigin(tiles), at: now })
}
