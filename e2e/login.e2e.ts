import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type RunningServer, startServer } from './harness.js'

let server: RunningServer
let browser: Browser

beforeAll(async () => {
  server = await startServer({ EMBEDDED_PROBE: 'false' })
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('login', () => {
  it('refuses a wrong password with a message, then lands on the dashboard with the right one', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await page.goto(`${server.baseUrl}/`)
    await page.waitForURL((u) => u.pathname === '/login')

    await page.locator('input[name="username"]').fill('admin')
    await page.locator('input[name="password"]').fill('not-the-password')
    await page.getByTestId('login-submit').click()
    const error = page.getByTestId('login-error')
    await error.waitFor()
    expect((await error.textContent())?.trim()).not.toBe('')
    expect(new URL(page.url()).pathname).toBe('/login')
    // The password field is emptied after a refusal; the session was not opened.
    expect(await page.locator('input[name="password"]').inputValue()).toBe('')
    expect(await page.evaluate(() => localStorage.getItem('whatisup.refresh_token'))).toBeNull()

    await page.locator('input[name="password"]').fill(server.adminPassword)
    await page.getByTestId('login-submit').click()
    await page.getByTestId('count-total').waitFor()
    expect(new URL(page.url()).pathname).toBe('/')
    expect(await page.locator('h1').first().textContent()).toMatch(/dashboard/i)
    expect(await error.count()).toBe(0)

    // The session survives a reload.
    await page.reload()
    await page.getByTestId('count-total').waitFor()
    expect(new URL(page.url()).pathname).toBe('/')
    await context.close()
  })
})
