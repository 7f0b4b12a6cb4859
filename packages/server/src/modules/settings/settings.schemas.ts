import { z } from 'zod'

/**
 * A slippy-map tile template as Leaflet takes it: http(s), `{z}`, `{x}` and `{y}` present, an
 * optional `{s}` subdomain only as the host's first label (so the CSP can allow `*.host`), no
 * credentials. Empty = no map (the probe list is shown instead).
 *
 * @example 'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
 */
export const TileUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v === '' || tileOrigin(v) !== null, {
    message: 'expected an http(s) URL with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  })

/** What `img-src` must allow for `template`'s tiles (`https://*.tile.example.org`), or null when invalid. */
export function tileOrigin(template: string): string | null {
  if (!['{z}', '{x}', '{y}'].every((p) => template.includes(p))) return null
  const m = /^(https?):\/\/(\{s\}\.)?([a-z0-9.-]+(?::\d{1,5})?)(\/[^\s]*)?$/i.exec(template)
  if (!m?.[1] || !m[3] || m[3].startsWith('.') || m[3].includes('{')) return null
  return `${m[1].toLowerCase()}://${m[2] ? '*.' : ''}${m[3].toLowerCase()}`
}

export const InstanceSettingsOut = z.object({
  map_tile_url: z.string(),
  /** Plain text (the map escapes it), e.g. "© OpenStreetMap contributors". */
  map_attribution: z.string(),
  /** GEOCODER_URL is set: the probe form offers "Find coordinates". */
  geocoder_enabled: z.boolean(),
})
export type InstanceSettings = z.infer<typeof InstanceSettingsOut>

export const InstanceSettingsPatch = z.strictObject({
  map_tile_url: TileUrl.optional(),
  map_attribution: z.string().trim().max(300).optional(),
})
export type InstanceSettingsPatchInput = z.output<typeof InstanceSettingsPatch>

export const GeocodeQuery = z.strictObject({ q: z.string().trim().min(2).max(200) })

export const GeocodeResult = z.object({ display_name: z.string(), lat: z.number(), lon: z.number() })
export type GeocodeResultDto = z.infer<typeof GeocodeResult>
