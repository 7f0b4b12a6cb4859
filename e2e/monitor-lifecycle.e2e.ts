import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, launchBrowser, type RunningServer, startServer, startTarget } from './harness.js'

let server: RunningServer
let browser: Browser
let target: Awaited<ReturnType<typeof startTarget>>

beforeAll(async () => {
  target = await startTarget()
  server = await startServer()
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await target?.stop().catch(() => {})
})

async function statusText(page: Page, scope = page.getByTestId('monitor-row').first()) {
  return (await scope.getByTestId('monitor-status').textContent())?.trim()
}

describe('monitor lifecycle through the web app', () => {
  it('logs in, creates a monitor, sees it up, then down with an incident when the target stops', async () => {
    const page = await browser.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`${server.baseUrl}/`)
    await page.locator('input[name="username"]').fill('admin')
    await page.locator('input[name="password"]').fill(server.adminPassword)
    await page.getByTestId('login-submit').click()

    // The wizard offers 30 s and up; the advanced form takes any interval (10 s keeps this test short).
    await page.getByTestId('new-monitor').first().click()
    await page.getByTestId('wizard-advanced').click()
    await page.locator('input[name="name"]').fill('E2E target')
    await page.locator('input[name="url"]').fill(target.url)
    await page.locator('input[name="interval_seconds"]').fill('10')
    await page.getByTestId('monitor-submit').click()
    await page.waitForURL((u) => /^\/monitors\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith('/new'))

    // The embedded probe picks the monitor up at its next heartbeat and checks it within one interval.
    await page.goto(`${server.baseUrl}/monitors`)
    const row = page.getByTestId('monitor-row').filter({ hasText: 'E2E target' })
    await expect.poll(() => statusText(page, row), { timeout: 45_000, interval: 1000 }).toBe('up')
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-up.png'), fullPage: true })

    await target.stop()
    await expect.poll(() => statusText(page, row), { timeout: 45_000, interval: 1000 }).toBe('down')

    await row.getByTestId('monitor-name').click()
    await expect
      .poll(() => page.getByTestId('incident-row').count(), { timeout: 15_000, interval: 500 })
      .toBeGreaterThan(0)
    expect(await page.getByTestId('monitor-status').first().textContent()).toContain('down')
    await page.screenshot({ path: join(ARTIFACTS, 'e2e-monitor-down-incident.png'), fullPage: true })
  })
})
