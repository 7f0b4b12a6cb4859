import { computed, nextTick, onBeforeUnmount, onMounted, type Ref, ref, watch } from 'vue'

/** Which rows of a fixed-height list are rendered, and the blank space that stands for the rest. */
export interface RowWindow {
  /** First rendered index (inclusive). */
  start: number
  /** Last rendered index (exclusive). */
  end: number
  /** Height of the rows above `start`, in px. */
  padTop: number
  /** Height of the rows from `end` on, in px. */
  padBottom: number
}

export interface WindowInput {
  count: number
  rowHeight: number
  scrollTop: number
  viewportHeight: number
  /** Rows rendered beyond each edge, so keyboard focus and fast scrolling rarely meet a blank. */
  overscan: number
}

/**
 * The rows a viewport shows, plus `overscan` on each side, clamped to the list.
 *
 * @example
 * rowWindow({ count: 500, rowHeight: 40, scrollTop: 400, viewportHeight: 200, overscan: 2 })
 * // → { start: 8, end: 17, padTop: 320, padBottom: 19320 }
 */
export function rowWindow({ count, rowHeight, scrollTop, viewportHeight, overscan }: WindowInput): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, padTop: 0, padBottom: 0 }
  const top = Math.max(0, scrollTop)
  const first = Math.min(count - 1, Math.floor(top / rowHeight))
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight)
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, Math.max(last, first + 1) + overscan)
  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight }
}

/**
 * The scrollTop that brings row `index` fully into a viewport scrolled to `scrollTop`, moving as
 * little as possible (`offset` is the height above the first row inside the scroller, e.g. a
 * sticky header that covers it).
 */
export function scrollTopFor(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  offset = 0,
): number {
  const top = index * rowHeight
  const bottom = top + rowHeight + offset
  if (top < scrollTop) return top
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight
  return scrollTop
}

/** Before layout (and in DOM-less tests) a viewport this tall is assumed. */
const FALLBACK_VIEWPORT = 640

/**
 * Windowing for a scroll container holding `count` rows of `rowHeight` px: bind `scroller` to the
 * container and `onScroll` to its scroll event, render `range.start … range.end` between two
 * spacers of `padTop` / `padBottom`. `reveal(i)` scrolls row i into view and waits for it to render.
 */
export function useVirtualRows(count: Ref<number>, rowHeight: number, overscan = 8, headerHeight = 0) {
  const scroller = ref<HTMLElement | null>(null)
  const scrollTop = ref(0)
  const viewportHeight = ref(FALLBACK_VIEWPORT)

  const range = computed(() =>
    rowWindow({
      count: count.value,
      rowHeight,
      // A sticky header covers the top of the scroller: rows show below it.
      scrollTop: scrollTop.value,
      viewportHeight: viewportHeight.value - headerHeight,
      overscan,
    }),
  )

  function measure(): void {
    const h = scroller.value?.clientHeight ?? 0
    viewportHeight.value = h > 0 ? h : FALLBACK_VIEWPORT
  }
  function onScroll(): void {
    scrollTop.value = scroller.value?.scrollTop ?? 0
  }

  async function reveal(index: number): Promise<void> {
    const el = scroller.value
    const next = scrollTopFor(index, rowHeight, el?.scrollTop ?? scrollTop.value, viewportHeight.value, headerHeight)
    if (el && el.scrollTop !== next) el.scrollTop = next
    // Rendering follows this state rather than waiting for the scroll event: the row exists after the tick.
    scrollTop.value = next
    await nextTick()
  }

  // A shorter list (new page, filter) may leave the scroller past its end.
  watch(count, () => {
    if (scroller.value) scrollTop.value = scroller.value.scrollTop
  })

  let observer: ResizeObserver | undefined
  onMounted(() => {
    // The observer's first call comes after the browser's own layout; reading the height here
    // would force an extra layout of the whole page before the first rows are drawn.
    if (typeof ResizeObserver !== 'undefined' && scroller.value) {
      observer = new ResizeObserver(measure)
      observer.observe(scroller.value)
    } else measure()
  })
  onBeforeUnmount(() => observer?.disconnect())

  return { scroller, range, onScroll, reveal }
}
