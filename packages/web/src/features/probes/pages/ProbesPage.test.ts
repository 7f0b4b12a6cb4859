import { flushPromises, mount } from '@vue/test-utils'
import type { User } from '@whatisup/shared'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../../../i18n'
import { useAuthStore } from '../../../stores/auth'
import { fakeApi, json } from '../../incidents/test/fake-api'
import ProbesPage from './ProbesPage.vue'

const user = (superadmin: boolean) =>
  ({
    id: 'u1',
    email: 'ada@example.com',
    username: 'ada',
    full_name: 'Ada',
    is_superadmin: superadmin,
    is_active: true,
    can_create_monitors: true,
    timezone: null,
    language: 'en',
    created_at: '2026-01-01T00:00:00.000Z',
  }) as User

const settings = (geocoder: boolean) => ({ map_tile_url: '', map_attribution: '', geocoder_enabled: geocoder })
const PARIS = [
  { display_name: 'Paris, Île-de-France, France', lat: 48.8588897, lon: 2.320041 },
  { display_name: 'Paris, Lamar County, Texas, United States', lat: 33.6617962, lon: -95.555513 },
]

async function mountPage(superadmin = true) {
  useAuthStore().user = user(superadmin)
  const wrapper = mount(ProbesPage, { global: { plugins: [i18n] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

beforeEach(() => {
  setLocale('en', false)
  setActivePinia(createPinia())
})
afterEach(() => {
  document.body.innerHTML = ''
})

describe('ProbesPage', () => {
  it('finds coordinates through the geocoder, registers the probe with them, then shows the key and the commands', async () => {
    let probes: unknown[] = []
    const calls = fakeApi({
      'GET /api/v1/probes': () => probes,
      'GET /api/v1/settings/instance': () => settings(true),
      'GET /api/v1/geocode': () => PARIS,
      'POST /api/v1/probes/register': (body) => {
        const p = {
          id: 'p1',
          ...(body as object),
          is_active: true,
          is_embedded: false,
          last_seen_at: null,
          created_at: '2026-01-01T00:00:00.000Z',
        }
        probes = [p]
        return json(201, { ...p, api_key: 'wiu_0123456789abcdef' })
      },
    })
    const w = await mountPage()
    expect(w.find('[data-testid="probes-empty"]').text()).toContain('Register a remote probe')

    await w.find('input[name="probe_name"]').setValue('paris-1')
    await w.find('input[name="location_name"]').setValue('Paris')
    await w.find('[data-testid="geocode-find"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => c.key)).toContain('GET /api/v1/geocode?q=Paris')
    const results = w.findAll('[data-testid="geocode-result"]')
    expect(results.map((r) => r.find('span').text())).toEqual(PARIS.map((p) => p.display_name))
    expect(results[0]?.text()).toContain('48.8589, 2.3200')
    await results[0]?.find('button').trigger('click')
    expect((w.find('input[name="latitude"]').element as HTMLInputElement).value).toBe('48.85889')
    expect((w.find('input[name="longitude"]').element as HTMLInputElement).value).toBe('2.32004')
    expect(w.find('[data-testid="geocode-results"]').exists()).toBe(false)

    await w.find('[data-testid="probe-register-form"]').trigger('submit')
    await flushPromises()
    const post = calls.find((c) => c.key === 'POST /api/v1/probes/register')
    expect(post?.body).toEqual({
      name: 'paris-1',
      location_name: 'Paris',
      latitude: 48.85889,
      longitude: 2.32004,
      network_type: 'external',
    })
    const origin = globalThis.location.origin
    expect(w.find('[data-testid="probe-command-key"]').text()).toBe('wiu_0123456789abcdef')
    expect(w.find('[data-testid="probe-command-npx"]').text()).toBe(
      `CENTRAL_API_URL=${origin} PROBE_API_KEY=wiu_0123456789abcdef npx whatisup-probe`,
    )
    expect(w.find('[data-testid="probe-command-checkout"]').text()).toBe(
      `CENTRAL_API_URL=${origin} PROBE_API_KEY=wiu_0123456789abcdef node packages/probe/bin/whatisup-probe.js`,
    )
    // The list is reloaded: the new probe is there, the form is empty again.
    expect(w.findAll('[data-testid="probe-row"]').map((r) => r.find('td').text())).toEqual(['paris-1'])
    expect((w.find('input[name="probe_name"]').element as HTMLInputElement).value).toBe('')
    await w.find('[data-testid="probe-command-done"]').trigger('click')
    expect(w.find('[data-testid="probe-command"]').exists()).toBe(false)
  })

  it("shows the geocoder's failure and a place-less answer without touching the coordinates", async () => {
    let answer: () => unknown = () =>
      json(503, { code: 'SERVICE_UNAVAILABLE', message: 'the geocoder did not answer within 5000 ms', requestId: 'r' })
    fakeApi({
      'GET /api/v1/probes': () => [],
      'GET /api/v1/settings/instance': () => settings(true),
      'GET /api/v1/geocode': () => answer(),
    })
    const w = await mountPage()
    await w.find('input[name="probe_name"]').setValue('atlantis')
    await w.find('[data-testid="geocode-find"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="geocode-error"]').text()).toBe(
      'Could not look up the coordinates: the geocoder did not answer within 5000 ms',
    )
    answer = () => []
    await w.find('[data-testid="geocode-find"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="geocode-error"]').exists()).toBe(false)
    expect(w.find('[data-testid="geocode-results"]').text()).toBe('No place found for “atlantis”.')
    expect((w.find('input[name="latitude"]').element as HTMLInputElement).value).toBe('')
  })

  it('hides "Find coordinates" without a geocoder, and refuses one coordinate without the other', async () => {
    const calls = fakeApi({ 'GET /api/v1/probes': () => [], 'GET /api/v1/settings/instance': () => settings(false) })
    const w = await mountPage()
    expect(w.find('[data-testid="geocode-find"]').exists()).toBe(false)
    await w.find('input[name="probe_name"]').setValue('half')
    await w.find('input[name="latitude"]').setValue('10')
    await w.find('[data-testid="probe-register-form"]').trigger('submit')
    await flushPromises()
    expect(w.find('input[name="latitude"]').attributes('aria-invalid')).toBe('true')
    expect(calls.some((c) => c.key.startsWith('POST'))).toBe(false)
  })

  it('for a non-superadmin, explains who manages probes and asks the API nothing', async () => {
    const calls = fakeApi({})
    const w = await mountPage(false)
    expect(w.find('[data-testid="probes-empty"]').text()).toContain('Probes are managed by your administrator.')
    expect(w.find('[data-testid="probe-register-form"]').exists()).toBe(false)
    expect(calls).toEqual([])
  })
})
