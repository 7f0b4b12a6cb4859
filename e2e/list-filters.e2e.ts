import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type RunningServer, startServer } from './harness.js'
import { adminApi, rowNames, signedInPage } from './helpers.js'

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer({ EMBEDDED_PROBE: 'false' })
  browser = await launchBrowser()
  const api = await adminApi(server)
  // Manual monitors: their state is set, not probed, so the filters have a known answer.
  await api.manualMonitor('alpha api', 'down')
  await api.manualMonitor('alpha web', 'up')
  await api.manualMonitor('beta api', 'down')
  await api.manualMonitor('beta web', 'up')
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const sorted = (xs: string[]) => [...xs].sort()

describe('monitor list filters live in the URL', () => {
  it('opens a filtered URL directly, follows filter changes into the URL, and keeps them on reload', async () => {
    const { context, page } = await signedInPage(browser, server)
    await page.goto(`${server.baseUrl}/monitors?status=down&q=alpha`)
    await expect.poll(() => rowNames(page)).toEqual(['alpha api'])
    expect(await page.getByTestId('filter-status').inputValue()).not.toBe('')
    expect(await page.getByTestId('monitor-search').inputValue()).toBe('alpha')

    // Another status: the rows and the URL follow.
    await page.getByTestId('filter-status').selectOption({ label: 'Up' })
    await page.waitForURL((u) => u.searchParams.get('status') === 'up' && u.searchParams.get('q') === 'alpha')
    await expect.poll(() => rowNames(page)).toEqual(['alpha web'])

    // Another search: same.
    await page.getByTestId('monitor-search').fill('api')
    await page.waitForURL((u) => u.searchParams.get('q') === 'api' && u.searchParams.get('status') === 'up')
    await expect.poll(() => rowNames(page)).toEqual([])

    await page.getByTestId('filter-status').selectOption({ label: 'Down' })
    await page.waitForURL((u) => u.searchParams.get('status') === 'down')
    await expect.poll(async () => sorted(await rowNames(page))).toEqual(['alpha api', 'beta api'])

    // A reload starts from the URL: same filters, same rows.
    await page.reload()
    await expect.poll(async () => sorted(await rowNames(page))).toEqual(['alpha api', 'beta api'])
    expect(await page.getByTestId('monitor-search').inputValue()).toBe('api')
    expect(new URL(page.url()).searchParams.get('status')).toBe('down')

    // Without a query, the list comes back to the last filters used in this browser.
    await page.goto(`${server.baseUrl}/monitors`)
    await page.waitForURL((u) => u.searchParams.get('status') === 'down' && u.searchParams.get('q') === 'api')
    await expect.poll(async () => sorted(await rowNames(page))).toEqual(['alpha api', 'beta api'])
    await context.close()
  })
})
