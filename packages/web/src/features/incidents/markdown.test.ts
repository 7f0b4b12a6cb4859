import { describe, expect, it } from 'vitest'
import { renderMarkdown } from './markdown'

/** Parses the output the way the browser will, to assert on elements rather than on strings. */
function dom(html: string): HTMLElement {
  const host = document.createElement('div')
  host.innerHTML = html
  return host
}

describe('renderMarkdown', () => {
  it('never lets raw HTML through: a <script> is shown as text', () => {
    const html = renderMarkdown('Hello <script>alert(1)</script>\n\n<img src=x onerror="alert(2)">')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    const root = dom(html)
    expect(root.querySelector('script, img')).toBeNull()
    expect(root.textContent).toContain('<script>alert(1)</script>')
  })

  it.each([
    ['[click](javascript:alert(1))'],
    ['[click](JaVaScRiPt:alert(1))'],
    ['[click](data:text/html;base64,PHNjcmlwdD4=)'],
    ['[click](//evil.example/x)'],
    ['[click](vbscript:msgbox)'],
  ])('renders %s as plain text, without a link', (source) => {
    const root = dom(renderMarkdown(source))
    expect(root.querySelector('a')).toBeNull()
    expect(root.textContent).toContain('click')
  })

  it('cannot break out of an href with quotes', () => {
    const root = dom(renderMarkdown('[x](https://a.example/"onmouseover="alert)'))
    const a = root.querySelector('a')
    expect(a).not.toBeNull()
    expect(a?.getAttribute('onmouseover')).toBeNull()
    expect(a?.getAttributeNames().sort()).toEqual(['href', 'rel', 'target'])
  })

  it('links http(s) URLs with rel="noopener noreferrer"', () => {
    const a = dom(renderMarkdown('See [the runbook](https://wiki.example/run?a=1&b=2).')).querySelector('a')
    expect(a?.getAttribute('href')).toBe('https://wiki.example/run?a=1&b=2')
    expect(a?.getAttribute('rel')).toBe('noopener noreferrer')
    expect(a?.textContent).toBe('the runbook')
  })

  it('renders headings, lists, emphasis, code and tables, as in a generated post-mortem', () => {
    const source = [
      '# Post-mortem: Shop',
      '',
      '- **Scope:** probe_local',
      '- **Duration:** _in progress_',
      '',
      '## Timeline',
      '',
      '| time | event |',
      '|---|---|',
      '| 2026-01-01 10:00 UTC | Opened, scope **global** |',
      '| 2026-01-01 10:05 UTC | Escalated regional → **global** |',
      '',
      'Run `curl -v <host>` then:',
      '',
      '```',
      'if (a < b) { *not* emphasis }',
      '```',
    ].join('\n')
    const root = dom(renderMarkdown(source, { headingOffset: 1 }))

    expect(root.querySelector('h2')?.textContent).toBe('Post-mortem: Shop')
    expect(root.querySelector('h3')?.textContent).toBe('Timeline')
    const items = [...root.querySelectorAll('ul > li')].map((li) => li.innerHTML)
    expect(items).toEqual(['<strong>Scope:</strong> probe_local', '<strong>Duration:</strong> <em>in progress</em>'])
    expect([...root.querySelectorAll('th')].map((th) => th.textContent)).toEqual(['time', 'event'])
    expect(root.querySelectorAll('tbody tr')).toHaveLength(2)
    expect(root.querySelector('tbody tr td:last-child strong')?.textContent).toBe('global')
    expect(root.querySelector('p code')?.textContent).toBe('curl -v <host>')
    expect(root.querySelector('pre code')?.textContent).toBe('if (a < b) { *not* emphasis }')
    expect(root.querySelector('pre em')).toBeNull()
  })

  it('keeps snake_case words and numbered lists intact', () => {
    const root = dom(renderMarkdown('1. check probe_local_a\n2. then **restart**'))
    expect([...root.querySelectorAll('ol > li')].map((li) => li.textContent)).toEqual([
      'check probe_local_a',
      'then restart',
    ])
    expect(root.querySelector('em')).toBeNull()
  })
})
