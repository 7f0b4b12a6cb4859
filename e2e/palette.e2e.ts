import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type RunningServer, startServer } from './harness.js'
import { type ApiMonitor, adminApi, markDocument, sameDocument, signedInPage } from './helpers.js'

let server: RunningServer
let browser: Browser
let zephyr: ApiMonitor

beforeAll(async () => {
  server = await startServer({ EMBEDDED_PROBE: 'false' })
  browser = await launchBrowser()
  const api = await adminApi(server)
  await api.manualMonitor('checkout api', 'up')
  zephyr = await api.manualMonitor('zephyr payments', 'up')
  await api.manualMonitor('search frontend', 'up')
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

const path = (url: string) => new URL(url).pathname

describe('command palette and keyboard shortcuts', () => {
  it('Ctrl+K finds a monitor by a fuzzy name and Enter opens it; g m, g i, c and ? work from anywhere', async () => {
    const { context, page } = await signedInPage(browser, server)
    await markDocument(page)

    await page.keyboard.press('Control+k')
    const input = page.getByTestId('palette-input')
    await input.waitFor()
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('palette-input')
    await input.fill('zeph pay')
    await expect
      .poll(async () => (await page.getByTestId('palette-item').first().textContent()) ?? '')
      .toContain('zephyr payments')
    await page.keyboard.press('Enter')
    await page.waitForURL((u) => u.pathname === `/monitors/${zephyr.id}`)
    await expect.poll(async () => (await page.locator('h1').first().textContent())?.trim()).toBe('zephyr payments')
    expect(await page.getByTestId('palette').count()).toBe(0)

    // Two-key navigation (the palette is closed, focus is on the page).
    await page.keyboard.press('g')
    await page.keyboard.press('m')
    await page.waitForURL((u) => u.pathname === '/monitors')
    await page.getByTestId('monitor-row').first().waitFor()
    await page.keyboard.press('g')
    await page.keyboard.press('i')
    await page.waitForURL((u) => u.pathname === '/incidents')
    await page.keyboard.press('c')
    await page.waitForURL((u) => u.pathname === '/monitors/new')
    await page.keyboard.press('g')
    await page.keyboard.press('d')
    await page.waitForURL((u) => u.pathname === '/')
    await page.getByTestId('count-total').waitFor()

    // The cheatsheet opens with ? and closes with Escape.
    await page.keyboard.press('?')
    const help = page.getByTestId('shortcut-help')
    await help.waitFor()
    expect(await help.textContent()).toContain('g m')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })

    // Escape closes the palette without navigating.
    await page.keyboard.press('Control+k')
    await input.waitFor()
    await page.keyboard.press('Escape')
    await input.waitFor({ state: 'detached' })
    expect(path(page.url())).toBe('/')

    // All of it happened inside one document: client-side navigation only.
    expect(await sameDocument(page)).toBe(true)
    await context.close()
  })
})
