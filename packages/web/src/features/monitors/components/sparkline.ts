/**
 * An SVG path through hourly values scaled into a `width`×`height` box (y grows downwards); a
 * null hour breaks the line instead of drawing a fake slope across it. A lone point between two
 * gaps becomes a short dash so it stays visible.
 *
 * @example
 * sparkPath([10, 20, null, 20], 30, 10) // → { d: 'M0 9L10 1M30 1h0', min: 10, max: 20 }
 */
export function sparkPath(
  values: readonly (number | null)[],
  width: number,
  height: number,
  pad = 1,
): { d: string; min: number | null; max: number | null } {
  const nums = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (nums.length === 0) return { d: '', min: null, max: null }
  const min = Math.min(...nums)
  const max = Math.max(...nums)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  const span = max - min
  const y = (v: number) => (span === 0 ? height / 2 : pad + ((max - v) / span) * (height - 2 * pad))
  const r = (n: number) => Math.round(n * 10) / 10
  let d = ''
  let open = false
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      open = false
      return
    }
    const next = values[i + 1]
    const alone = !open && (next === null || next === undefined || !Number.isFinite(next))
    d += `${open ? 'L' : 'M'}${r(i * step)} ${r(y(v))}${alone ? 'h0' : ''}`
    open = true
  })
  return { d, min, max }
}
