/**
 * A deliberately small Markdown renderer for post-mortems and status updates, whose text may come
 * from anyone who can edit an incident. Safety rests on one order of operations: the whole source
 * is HTML-escaped first, so the only tags in the output are the ones built here, and a link gets an
 * href only when it is http(s). Supported: ATX headings, `-`/`*`/`1.` lists (flat), paragraphs,
 * `**bold**`, `*italic*`/`_italic_`, inline and fenced code, pipe tables, `>` quotes, `---` rules,
 * and `[text](https://…)` links. Raw HTML is shown as text, never rendered.
 *
 * @example renderMarkdown('# Outage\n\n- **scope:** global') // '<h1>Outage</h1><ul><li><strong>scope:</strong> global</li></ul>'
 */
export function renderMarkdown(source: string, options: { headingOffset?: number } = {}): string {
  const offset = options.headingOffset ?? 0
  // NUL marks inline placeholders below, so none may come from the source.
  const lines = escapeHtml(source.replaceAll('\0', '')).replaceAll('\r\n', '\n').split('\n')
  const out: string[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i] ?? ''
    if (line.trim() === '') {
      i++
      continue
    }
    const fence = /^\s*(`{3,}|~{3,})/.exec(line)
    if (fence) {
      const code: string[] = []
      i++
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(fence[1] ?? '```'))
        code.push(lines[i++] ?? '')
      i++
      out.push(`<pre><code>${code.join('\n')}</code></pre>`)
      continue
    }
    const heading = /^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line)
    if (heading) {
      const level = Math.min(6, (heading[1]?.length ?? 1) + offset)
      out.push(`<h${level}>${inline(heading[2] ?? '')}</h${level}>`)
      i++
      continue
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push('<hr>')
      i++
      continue
    }
    if (line.trimStart().startsWith('|') && isTableSeparator(lines[i + 1])) {
      const head = cells(line)
      const rows: string[][] = []
      i += 2
      while (i < lines.length && (lines[i] ?? '').trimStart().startsWith('|')) rows.push(cells(lines[i++] ?? ''))
      out.push(table(head, rows))
      continue
    }
    const list = listItem(line)
    if (list) {
      const items: string[] = []
      while (i < lines.length) {
        const item = listItem(lines[i] ?? '')
        if (!item || item.ordered !== list.ordered) break
        items.push(`<li>${inline(item.text)}</li>`)
        i++
      }
      const tag = list.ordered ? 'ol' : 'ul'
      out.push(`<${tag}>${items.join('')}</${tag}>`)
      continue
    }
    if (line.startsWith('&gt;')) {
      const quoted: string[] = []
      while (i < lines.length && (lines[i] ?? '').startsWith('&gt;'))
        quoted.push((lines[i++] ?? '').replace(/^&gt;\s?/, ''))
      out.push(`<blockquote>${renderMarkdown(unescapeHtml(quoted.join('\n')), options)}</blockquote>`)
      continue
    }
    const para: string[] = []
    while (i < lines.length && (lines[i] ?? '').trim() !== '' && !startsBlock(lines, i))
      para.push((lines[i++] ?? '').trim())
    out.push(`<p>${inline(para.join('\n'))}</p>`)
  }
  return out.join('\n')
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

// Only for re-parsing a quote's already-escaped body; the recursive call escapes it again.
function unescapeHtml(text: string): string {
  return text
    .replaceAll('&#39;', "'")
    .replaceAll('&quot;', '"')
    .replaceAll('&gt;', '>')
    .replaceAll('&lt;', '<')
    .replaceAll('&amp;', '&')
}

function listItem(line: string): { ordered: boolean; text: string } | null {
  const m = /^\s*(?:([-*+])|\d{1,9}[.)])\s+(.*)$/.exec(line)
  return m ? { ordered: m[1] === undefined, text: m[2] ?? '' } : null
}

function isTableSeparator(line: string | undefined): boolean {
  return line !== undefined && /^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$/.test(line) && line.includes('-')
}

function startsBlock(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? ''
  return (
    /^\s*(`{3,}|~{3,})/.test(line) ||
    /^#{1,6}\s/.test(line) ||
    listItem(line) !== null ||
    line.startsWith('&gt;') ||
    (line.trimStart().startsWith('|') && isTableSeparator(lines[i + 1]))
  )
}

function cells(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
  return trimmed.split(/(?<!\\)\|/).map((c) => inline(c.trim().replaceAll('\\|', '|')))
}

function table(head: readonly string[], rows: readonly string[][]): string {
  const th = head.map((c) => `<th>${c}</th>`).join('')
  const body = rows.map((r) => `<tr>${head.map((_, n) => `<td>${r[n] ?? ''}</td>`).join('')}</tr>`).join('')
  return `<table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`
}

// No placeholder (NUL) either: a code span inside a URL must not be re-inserted into the href.
const SAFE_URL = /^https?:\/\/[^\s\0]+$/i

/** Inline markup on already-escaped text; code spans and links are set aside so nothing re-parses them. */
function inline(text: string): string {
  const held: string[] = []
  const hold = (html: string) => `\0${held.push(html) - 1}\0`
  let s = text.replace(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g, (_m, _ticks, code: string) =>
    hold(`<code>${code.trim()}</code>`),
  )
  s = s.replace(/\[([^\]\n]+)\]\(([^()\s]+)\)/g, (_m, label: string, url: string) =>
    SAFE_URL.test(url)
      ? hold(`<a href="${url}" target="_blank" rel="noopener noreferrer">${emphasis(label)}</a>`)
      : hold(emphasis(label)),
  )
  s = emphasis(s).replaceAll('\n', '<br>')
  // A link label may hold a code span: restore placeholders inside restored ones too.
  const restore = (x: string): string => x.replace(/\0(\d+)\0/g, (_m, n: string) => restore(held[Number(n)] ?? ''))
  return restore(s)
}

function emphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w])__(?=\S)([\s\S]*?\S)__(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/\*(?=\S)([^*]*?\S)\*/g, '<em>$1</em>')
    .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1<em>$2</em>')
}
