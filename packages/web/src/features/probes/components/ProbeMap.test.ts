import { flushPromises, mount } from '@vue/test-utils'
import type { ProbeDto } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../../i18n'
import ProbeMap from './ProbeMap.vue'

const NOW = Date.now()
const probe = (over: Partial<ProbeDto>): ProbeDto => ({
  id: 'p',
  name: 'probe',
  location_name: '',
  latitude: null,
  longitude: null,
  network_type: 'external',
  is_active: true,
  is_embedded: false,
  last_seen_at: null,
  created_at: new Date(NOW - 86_400_000).toISOString(),
  ...over,
})
const PROBES = [
  probe({
    id: 'a',
    name: 'Paris',
    location_name: 'FR',
    latitude: 48.85,
    longitude: 2.35,
    last_seen_at: new Date(NOW - 10_000).toISOString(),
  }),
  probe({
    id: 'b',
    name: 'Dallas',
    location_name: 'US',
    latitude: 32.7,
    longitude: -96.8,
    last_seen_at: new Date(NOW - 600_000).toISOString(),
  }),
  probe({ id: 'c', name: 'Lab', location_name: 'basement' }),
  probe({ id: 'd', name: 'Old', is_active: false, last_seen_at: new Date(NOW - 10_000).toISOString() }),
]

// Tiles would come from the discard port of 127.0.0.1 (nothing listens there), so a test can never
// fetch tiles from the internet. happy-dom does not load images: tests fire the tiles' load/error events.
const TILES = 'http://127.0.0.1:9/{z}/{x}/{y}.png'
beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
})
afterEach(() => {
  document.body.innerHTML = ''
})

const mountMap = (props: { tileUrl: string; attribution?: string; tileTimeoutMs?: number }) =>
  mount(ProbeMap, { props: { probes: PROBES, ...props }, global: { plugins: [i18n] }, attachTo: document.body })

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms
  while (!check() && Date.now() < end) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 20))
  }
}

// Leaflet is imported on first use: slow on a loaded machine, hence the longer timeout.
describe('ProbeMap', { timeout: 20_000 }, () => {
  it('without a tile URL lists the probes with their health and never loads Leaflet', async () => {
    const w = mountMap({ tileUrl: '' })
    await flushPromises()
    expect(w.attributes('data-mode')).toBe('list')
    const items = w.findAll('[data-testid="probe-map-item"]')
    expect(items.map((i) => [i.find('strong').text(), i.attributes('data-health')])).toEqual([
      ['Paris', 'online'],
      ['Dallas', 'offline'],
      ['Lab', 'never'],
      ['Old', 'disabled'],
    ])
    expect(items[0]?.text()).toContain('FR')
    expect(items[2]?.text()).toContain('Never seen')
    expect(document.querySelector('.leaflet-container')).toBeNull()
    expect(w.find('[data-testid="probe-map-failed"]').exists()).toBe(false)
  })

  it('falls back to the list, with a notice, when no tile can be loaded', async () => {
    const w = mountMap({ tileUrl: TILES, tileTimeoutMs: 400 })
    await until(() => w.find('[data-testid="probe-map-failed"]').exists())
    expect(w.attributes('data-mode')).toBe('list')
    expect(w.find('[data-testid="probe-map-failed"]').text()).toBe(
      'The map tiles could not be loaded; probes are listed instead.',
    )
    expect(w.findAll('[data-testid="probe-map-item"]')).toHaveLength(4)
    // The map was torn down, not left half-built under the list.
    expect(document.querySelector('.leaflet-pane')).toBeNull()
  })
  it('falls back as soon as the first tile fails, before any tile loaded', async () => {
    const w = mountMap({ tileUrl: TILES, tileTimeoutMs: 60_000 })
    await until(() => document.querySelector('img.leaflet-tile') !== null)
    expect(w.attributes('data-mode')).toBe('loading')
    document.querySelector('img.leaflet-tile')?.dispatchEvent(new Event('error'))
    await flushPromises()
    expect(w.attributes('data-mode')).toBe('list')
    expect(w.find('[data-testid="probe-map-failed"]').exists()).toBe(true)
  })

  it('shows the map once a tile loads: one marker per located probe, coloured by health, with a popup', async () => {
    const w = mountMap({ tileUrl: TILES, attribution: '<b>ACME</b> tiles', tileTimeoutMs: 60_000 })
    await until(() => document.querySelector('img.leaflet-tile') !== null)
    document.querySelector('img.leaflet-tile')?.dispatchEvent(new Event('load'))
    await flushPromises()
    expect(w.attributes('data-mode')).toBe('map')
    expect(w.find('[data-testid="probe-map-list"]').exists()).toBe(false)
    const markers = [...document.querySelectorAll('path.probe-marker')]
    expect(markers.map((m) => m.getAttribute('class')?.match(/probe-marker--(\w+)/)?.[1])).toEqual([
      'online',
      'offline',
    ])
    expect(w.text()).toContain('2 probe(s) without coordinates are not on the map.')
    // The attribution is text, never markup.
    expect(document.querySelector('.leaflet-control-attribution')?.innerHTML).toContain('&lt;b&gt;ACME&lt;/b&gt; tiles')
    markers[1]?.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await flushPromises()
    const popup = document.querySelector('.leaflet-popup-content')?.textContent ?? ''
    expect(popup).toContain('Dallas')
    expect(popup).toContain('US')
    expect(popup).toContain('Offline · Last seen')
  })
})
