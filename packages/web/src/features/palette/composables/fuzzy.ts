/**
 * Subsequence fuzzy score: every query character must appear in order. Consecutive matches, word
 * starts and an exact prefix score higher; null means no match.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.trim().toLowerCase()
  if (!q) return 0
  const s = text.toLowerCase()
  let score = 0
  let from = 0
  let prev = -2
  for (const ch of q) {
    if (ch === ' ') continue
    const i = s.indexOf(ch, from)
    if (i < 0) return null
    score += 1
    if (i === prev + 1) score += 3
    if (i === 0 || /[\s\-_./:]/.test(s[i - 1] ?? '')) score += 2
    score -= Math.min(3, i - from) * 0.1
    prev = i
    from = i + 1
  }
  if (s.startsWith(q)) score += 5
  else if (s.includes(q)) score += 3
  return score - s.length * 0.01
}

export interface Ranked<T> {
  item: T
  score: number
}

/** Items whose label matches, best first; ties keep the original order. */
export function fuzzyFilter<T>(query: string, items: readonly T[], label: (item: T) => string, limit = 50): T[] {
  const ranked: Ranked<T>[] = []
  for (const item of items) {
    const score = fuzzyScore(query, label(item))
    if (score !== null) ranked.push({ item, score })
  }
  return ranked
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((r) => r.item)
}
