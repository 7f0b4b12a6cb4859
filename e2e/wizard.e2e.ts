import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type RunningServer, startServer, startTarget } from './harness.js'
import { type Api, adminApi, signedInPage } from './helpers.js'

let server: RunningServer
let browser: Browser
let api: Api
let target: Awaited<ReturnType<typeof startTarget>>
let channelId: string

beforeAll(async () => {
  target = await startTarget()
  server = await startServer({ EMBEDDED_PROBE: 'false' })
  browser = await launchBrowser()
  api = await adminApi(server)
  // A channel to pick in the review step (nothing is sent: the monitor never goes down here).
  const channel = await api.request<{ id: string }>('POST', '/alerts/channels', {
    name: 'Ops hook',
    kind: 'webhook',
    config: { url: `${target.url.replace('/health', '/hook')}` },
    allow_private: true,
  })
  channelId = channel.id
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await target?.stop().catch(() => {})
})

describe('create a monitor through the wizard', () => {
  it('kind → target (validated) → review with a channel; creates the monitor and its alerting, opens it', async () => {
    const { context, page } = await signedInPage(browser, server)
    await page.getByTestId('new-monitor').first().click()
    await page.waitForURL((u) => u.pathname === '/monitors/new')

    // Step 1: the kind.
    await page.getByTestId('wizard-kind-http').click()
    await page.getByTestId('wizard-next').click()

    // Step 2: the target; an empty URL is refused on the spot.
    await page.getByTestId('wizard-body-target').waitFor()
    await page.getByTestId('wizard-next').click()
    await page.getByTestId('wizard-error').waitFor()
    expect(await page.locator('input[name="url"]').getAttribute('aria-invalid')).toBe('true')
    await page.locator('input[name="url"]').fill(target.url)
    await page.locator('input[name="name"]').fill('Wizard target')
    await page.locator('select[name="interval_seconds"]').selectOption('30')
    await page.getByTestId('wizard-next').click()

    // Step 3: review, pick the channel, create.
    const summary = page.getByTestId('wizard-summary')
    await summary.waitFor()
    expect(await summary.textContent()).toContain('Wizard target')
    expect(await summary.textContent()).toContain(target.url)
    await page.getByTestId(`wizard-channel-${channelId}`).locator('input').check()
    await page.getByTestId('wizard-create').click()

    await page.waitForURL((u) => /^\/monitors\/[^/]+$/.test(u.pathname) && u.pathname !== '/monitors/new')
    const id = new URL(page.url()).pathname.split('/')[2]!
    await expect.poll(async () => (await page.locator('h1').first().textContent())?.trim()).toBe('Wizard target')

    const created = await api.request<{ name: string; url: string; interval_seconds: number; check_type: string }>(
      'GET',
      `/monitors/${id}`,
    )
    expect(created).toMatchObject({ name: 'Wizard target', url: target.url, interval_seconds: 30, check_type: 'http' })
    // The review step's preset was applied with the chosen channel.
    const matrix = await api.request<unknown>('GET', `/alerts/monitors/${id}/matrix`)
    expect(JSON.stringify(matrix)).toContain(channelId)
    await context.close()
  })
})
