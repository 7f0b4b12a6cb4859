import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { RunningServer } from './harness.js'

/** The monitor fields the flows read back from the API. */
export interface ApiMonitor {
  id: string
  name: string
  status: string
  check_type: string
}

/** A small admin API client for arranging data and waiting on server state (not for assertions on the UI). */
export interface Api {
  token: string
  request<T>(method: string, path: string, body?: unknown): Promise<T>
  createMonitor(input: Record<string, unknown>): Promise<ApiMonitor>
  /** A manual monitor in the given state: no probe involved, so its status is known at once. */
  manualMonitor(name: string, status?: 'up' | 'degraded' | 'down'): Promise<ApiMonitor>
  setManualState(id: string, status: 'up' | 'degraded' | 'down', note?: string): Promise<void>
  monitor(id: string): Promise<ApiMonitor>
  /** Polls until the monitor has `status` (the server applies manual states and verdicts asynchronously). */
  waitForStatus(id: string, status: string, timeoutMs?: number): Promise<void>
}

/** Logs in as admin through the API (one login per file keeps well under the login rate limit). */
export async function adminApi(server: RunningServer): Promise<Api> {
  const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: server.adminPassword }),
  })
  if (!login.ok) throw new Error(`admin login failed: ${login.status} ${await login.text()}`)
  const { access_token: token } = (await login.json()) as { access_token: string }

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${server.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await res.text()
    if (!res.ok) {
      const log = res.status >= 500 ? `\nserver log:\n${server.logs.join('').slice(-2000)}` : ''
      throw new Error(`${method} ${path}: ${res.status} ${text}${log}`)
    }
    return (text ? JSON.parse(text) : undefined) as T
  }
  const monitor = (id: string) => request<ApiMonitor>('GET', `/monitors/${id}`)
  async function waitForStatus(id: string, status: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = await monitor(id)
      if (m.status === status) return
      if (Date.now() > deadline) throw new Error(`monitor ${m.name} stayed ${m.status}, expected ${status}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  async function setManualState(id: string, status: 'up' | 'degraded' | 'down', note = ''): Promise<void> {
    await request('POST', `/monitors/${id}/manual-state`, { status, note })
    await waitForStatus(id, status)
  }
  return {
    token,
    request,
    createMonitor: (input) => request<ApiMonitor>('POST', '/monitors', input),
    async manualMonitor(name, status) {
      const m = await request<ApiMonitor>('POST', '/monitors', { name, check_type: 'manual' })
      if (status) await setManualState(m.id, status)
      return { ...m, status: status ?? m.status }
    },
    setManualState,
    monitor,
    waitForStatus,
  }
}

/** Signs in through the login form and waits for the dashboard. */
export async function loginThroughForm(page: Page, server: RunningServer): Promise<void> {
  await page.goto(`${server.baseUrl}/login`)
  await page.locator('input[name="username"]').fill('admin')
  await page.locator('input[name="password"]').fill(server.adminPassword)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('count-total').waitFor()
}

/** A fresh browser context (own storage), signed in, with a page whose waits default to 15 s. */
export async function signedInPage(
  browser: Browser,
  server: RunningServer,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  await loginThroughForm(page, server)
  return { context, page }
}

/**
 * Marks the current document; {@link sameDocument} later tells whether the page was reloaded or
 * navigated away in between (an SPA route change keeps the document).
 */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    ;(window as unknown as { __e2eMark?: boolean }).__e2eMark = true
  })
}

export async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true)
}

/** Names shown in the monitor table's rows, in order. */
export async function rowNames(page: Page): Promise<string[]> {
  return (await page.getByTestId('monitor-row').getByTestId('monitor-name').allTextContents()).map((s) => s.trim())
}
