import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, type RunningServer, startServer, startTarget } from './harness.js'
import { type Api, adminApi, markDocument, sameDocument, signedInPage } from './helpers.js'

let server: RunningServer
let browser: Browser
let api: Api
let target: Awaited<ReturnType<typeof startTarget>>

beforeAll(async () => {
  target = await startTarget()
  server = await startServer()
  browser = await launchBrowser()
  api = await adminApi(server)
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await target?.stop().catch(() => {})
})

/** Every text frame the page receives over a WebSocket. */
function recordFrames(page: Page): string[] {
  const frames: string[] = []
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))))
  return frames
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().textContent())?.trim()

describe('live status over the WebSocket', () => {
  it('a target going down turns its row and the dashboard counts down without a reload', async () => {
    const monitor = await api.createMonitor({ name: 'live target', url: target.url, interval_seconds: 10 })
    // The embedded probe picks it up at its next heartbeat (2 s here) and checks it at once.
    await api.waitForStatus(monitor.id, 'up', 45_000)

    const { context, page: list } = await signedInPage(browser, server)
    const dash = await context.newPage()
    dash.setDefaultTimeout(15_000)
    const listFrames = recordFrames(list)
    const dashFrames = recordFrames(dash)

    await list.goto(`${server.baseUrl}/monitors`)
    const row = list.getByTestId('monitor-row').filter({ hasText: 'live target' })
    await expect.poll(async () => (await row.getByTestId('monitor-status').textContent())?.trim()).toBe('up')
    await dash.goto(`${server.baseUrl}/`)
    await expect.poll(() => text(dash, 'count-up')).toBe('1')
    expect(await text(dash, 'count-down')).toBe('0')
    // Both pages are subscribed before the change happens.
    await expect.poll(() => dash.getByTestId('realtime-status').getAttribute('data-status')).toBe('open')
    await markDocument(list)
    await markDocument(dash)

    await target.stop()
    // One check interval (10 s) plus the probe's report; the 60 s quiet refresh cannot be what shows it.
    await expect
      .poll(async () => (await row.getByTestId('monitor-status').textContent())?.trim(), {
        timeout: 40_000,
        interval: 250,
      })
      .toBe('down')
    await expect.poll(() => text(dash, 'count-down'), { timeout: 10_000, interval: 250 }).toBe('1')
    expect(await text(dash, 'count-up')).toBe('0')

    expect(await sameDocument(list)).toBe(true)
    expect(await sameDocument(dash)).toBe(true)
    const stateChange = (f: string) => f.includes('MonitorStateChanged') && f.includes(monitor.id)
    expect(listFrames.some(stateChange)).toBe(true)
    expect(dashFrames.some(stateChange)).toBe(true)
    await context.close()
  })
})
