import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type RunningServer, startServer } from './harness.js'
import { type Api, adminApi, markDocument, sameDocument, signedInPage } from './helpers.js'

let server: RunningServer
let browser: Browser
let api: Api

beforeAll(async () => {
  server = await startServer({ EMBEDDED_PROBE: 'false' })
  browser = await launchBrowser()
  api = await adminApi(server)
  for (const name of ['bulk one', 'bulk two', 'bulk three']) await api.manualMonitor(name, 'up')
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('bulk actions on the monitor list', () => {
  it('pauses the selected rows, which show paused without a reload', async () => {
    const { context, page } = await signedInPage(browser, server)
    await page.goto(`${server.baseUrl}/monitors?q=bulk`)
    const row = (name: string) => page.getByTestId('monitor-row').filter({ hasText: name })
    const status = async (name: string) => (await row(name).getByTestId('monitor-status').textContent())?.trim()
    await expect.poll(() => page.getByTestId('monitor-row').count()).toBe(3)
    await markDocument(page)

    await row('bulk one').getByTestId('monitor-select').check()
    await row('bulk three').getByTestId('monitor-select').check()
    const bar = page.getByTestId('bulk-bar')
    await bar.waitFor()
    expect(await bar.textContent()).toContain('2')
    await bar.getByTestId('bulk-pause').click()

    await expect.poll(() => status('bulk one')).toBe('paused')
    await expect.poll(() => status('bulk three')).toBe('paused')
    expect(await status('bulk two')).toBe('up')
    expect(await sameDocument(page)).toBe(true)
    // The selection is cleared once the action is done.
    await bar.waitFor({ state: 'detached' })

    // The server agrees.
    const all = await api.request<{ name: string; status: string }[]>('GET', '/monitors?q=bulk')
    expect(Object.fromEntries(all.map((m) => [m.name, m.status]))).toEqual({
      'bulk one': 'paused',
      'bulk two': 'up',
      'bulk three': 'paused',
    })
    await context.close()
  })
})
