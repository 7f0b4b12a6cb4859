import { api } from '../../api/index'

// Mirrors the server's settings DTOs (packages/server/src/modules/settings/settings.schemas.ts).

export interface InstanceSettings {
  map_tile_url: string
  map_attribution: string
  geocoder_enabled: boolean
}
export interface GeocodeResult {
  display_name: string
  lat: number
  lon: number
}

export const getInstanceSettings = () => api.get<InstanceSettings>('/settings/instance')
export const updateInstanceSettings = (patch: Partial<Pick<InstanceSettings, 'map_tile_url' | 'map_attribution'>>) =>
  api.patch<InstanceSettings>('/settings/instance', patch)
export const geocode = (q: string) => api.get<GeocodeResult[]>('/geocode', { query: { q } })
