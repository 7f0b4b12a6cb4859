import { type Ref, ref, watch } from 'vue'

/**
 * The ids a click on `id` sets: `id` alone, or with `range` every row from the last clicked one
 * (the anchor) to it, both included. A range needs the anchor on the page; otherwise the click is
 * a plain one.
 *
 * @example
 * rangeIds(['a', 'b', 'c', 'd'], 'b', 'd', true) // → ['b', 'c', 'd']
 */
export function rangeIds(ids: readonly string[], anchor: string | null, id: string, range: boolean): string[] {
  const from = range && anchor !== null ? ids.indexOf(anchor) : -1
  const to = ids.indexOf(id)
  if (from < 0 || to < 0) return [id]
  return ids.slice(Math.min(from, to), Math.max(from, to) + 1)
}

/**
 * A page's row selection. A click toggles one row; a Shift+click gives every row between the last
 * clicked one and this one the clicked row's new state (selected or not), as file managers do.
 * Rows that leave the page leave the selection.
 */
export function useRowSelection(items: Ref<readonly { id: string }[]>) {
  const selected = ref(new Set<string>())
  let anchor: string | null = null

  watch(items, (list) => {
    const ids = new Set(list.map((m) => m.id))
    selected.value = new Set([...selected.value].filter((id) => ids.has(id)))
  })

  function toggle(id: string, range = false): void {
    const on = !selected.value.has(id)
    const next = new Set(selected.value)
    const ids = items.value.map((m) => m.id)
    for (const x of rangeIds(ids, anchor, id, range)) {
      if (on) next.add(x)
      else next.delete(x)
    }
    anchor = id
    selected.value = next
  }

  function toggleAll(on: boolean): void {
    selected.value = on ? new Set(items.value.map((m) => m.id)) : new Set()
    anchor = null
  }

  return { selected, toggle, toggleAll }
}
