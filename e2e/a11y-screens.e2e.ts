import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, launchBrowser, type RunningServer, startServer, startTarget } from './harness.js'
import { adminApi, loginThroughForm } from './helpers.js'

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core')

let server: RunningServer
let browser: Browser
let target: Awaited<ReturnType<typeof startTarget>>

/** The main pages after login, each with what shows it has loaded its data; ids are filled in beforeAll. */
const PAGES = {
  dashboard: { path: '/', ready: '[data-testid="count-total"]' },
  monitors: { path: '/monitors', ready: '[data-testid="monitor-row"]' },
  'monitor-detail': { path: '/monitors/:monitor', ready: '[data-testid="monitor-kind"]' },
  'monitor-create': { path: '/monitors/new', ready: '[data-testid="monitor-wizard"]' },
  incidents: { path: '/incidents', ready: '[data-testid="incident-row"]' },
  'incident-detail': { path: '/incidents/:incident', ready: '[data-testid="incident-status"]' },
  probes: { path: '/probes', ready: '[data-testid="probe-row"]' },
  settings: { path: '/settings', ready: '[data-testid="settings-save"]' },
  'alert-channels': { path: '/alerts/channels', ready: '[data-testid="new-channel"]' },
  maintenance: { path: '/maintenance', ready: '[data-testid="maintenance-empty"]' },
  groups: { path: '/groups', ready: '[data-testid="group-row"]' },
  'group-detail': { path: '/groups/:group', ready: '[data-testid="group-title"]' },
} as const
const ids = { monitor: '', incident: '', group: '' }

beforeAll(async () => {
  target = await startTarget()
  server = await startServer()
  browser = await launchBrowser()
  const api = await adminApi(server)
  const group = await api.request<{ id: string }>('POST', '/groups', { name: 'Checkout' })
  const web = await api.createMonitor({
    name: 'Storefront',
    url: target.url,
    interval_seconds: 10,
    group_id: group.id,
    tags: ['env:prod', 'critical'],
  })
  const manual = await api.manualMonitor('Payments provider', 'down')
  await api.manualMonitor('Search', 'up')
  // The HTTP monitor has results (chart, per-probe table) once the embedded probe checked it.
  await api.waitForStatus(web.id, 'up', 45_000)
  let incidents: { id: string }[] = []
  for (const deadline = Date.now() + 15_000; incidents.length === 0 && Date.now() < deadline; ) {
    incidents = await api.request<{ id: string }[]>('GET', `/monitors/${manual.id}/incidents`)
    if (incidents.length === 0) await new Promise((r) => setTimeout(r, 200))
  }
  if (!incidents[0]) throw new Error('the down manual monitor opened no incident')
  ids.monitor = web.id
  ids.incident = incidents[0].id
  ids.group = group.id
})
afterAll(async () => {
  await browser?.close()
  await server?.stop()
  await target?.stop().catch(() => {})
})

interface AxeNode {
  target: unknown[]
  failureSummary?: string
}
interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: AxeNode[]
}

/** Waits until the page shows its data: its marker is there and no loading notice is left. */
async function settle(page: Page, ready: string): Promise<void> {
  await page.locator(ready).first().waitFor()
  await page.waitForFunction(
    () =>
      ![...document.querySelectorAll('[role="status"], [aria-busy="true"]')].some(
        (el) => el.getAttribute('aria-busy') === 'true' || /loading|chargement/i.test(el.textContent ?? ''),
      ),
  )
  await page.evaluate(() => document.fonts.ready)
}

/** axe-core on the current page: the serious and critical violations, one line per node. */
async function scan(page: Page, name: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH })
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown[] }> } })
      .axe
    return (await axe.run(document, { resultTypes: ['violations'] })).violations
  })
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map(
        (n) =>
          `${name}: [${v.impact}] ${v.id} (${v.help}) at ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`,
      ),
    )
}

describe.each(['light', 'dark'] as const)(
  'main pages in the %s theme: no serious or critical axe-core violation, a screenshot each',
  (theme) => {
    let context: BrowserContext
    let page: Page
    beforeAll(async () => {
      context = await browser.newContext({
        viewport: { width: 1280, height: 800 },
        colorScheme: theme,
        reducedMotion: 'reduce',
        // The app's CSP allows no inline script; axe-core is injected as one.
        bypassCSP: true,
      })
      page = await context.newPage()
      page.setDefaultTimeout(20_000)
    })
    afterAll(async () => {
      await context?.close()
    })

    /** Scans the page as it is and saves its screenshot; prints every serious or critical finding. */
    async function scanAndShoot(name: string): Promise<string[]> {
      // Every page is scanned in the theme under test, never in the other one.
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme)
      const found = await scan(page, name)
      await page.screenshot({ path: join(ARTIFACTS, `page-${name}-${theme}.png`), fullPage: true })
      if (found.length > 0) console.log(`axe-core, ${theme} theme:\n${found.join('\n')}`)
      return found
    }

    it('login', async () => {
      await page.goto(`${server.baseUrl}/login`)
      await settle(page, '[data-testid="login-submit"]')
      // The theme follows the system preference until the user picks one.
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme)
      const found = await scanAndShoot('login')
      // Signed in even when the login page has findings, so the other pages are still checked.
      await loginThroughForm(page, server)
      expect(found).toEqual([])
    })

    it.each(Object.keys(PAGES) as (keyof typeof PAGES)[])('%s', async (name) => {
      const { path, ready } = PAGES[name]
      await page.goto(
        `${server.baseUrl}${path.replace(':monitor', ids.monitor).replace(':incident', ids.incident).replace(':group', ids.group)}`,
      )
      await settle(page, ready)
      expect(await scanAndShoot(name)).toEqual([])
    })
  },
)
