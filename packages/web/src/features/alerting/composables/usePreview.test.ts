import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import type { MatrixRowInput } from '../../../api/alerting'
import { DEFAULT_PARAMS } from './labels'
import { usePreview } from './usePreview'

const previewMatrix = vi.hoisted(() => vi.fn())
vi.mock('../../../api/alerting', () => ({ previewMatrix }))

const row = (min: number): MatrixRowInput => ({
  condition: 'any_down',
  enabled: true,
  channel_ids: [],
  ...DEFAULT_PARAMS,
  min_duration_seconds: min,
})

describe('usePreview', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('asks once after the last edit (debounced) and exposes the counts per condition', async () => {
    previewMatrix.mockResolvedValue({ window_days: 30, counts: [{ condition: 'any_down', count: 7 }], total: 7 })
    const rows = ref([row(0)])
    const scope = effectScope()
    const p = scope.run(() =>
      usePreview(
        () => 'm1',
        () => rows.value,
        500,
      ),
    )!
    rows.value = [row(60)]
    await nextTick()
    rows.value = [row(120)]
    await nextTick()
    expect(p.loading.value).toBe(true)
    await vi.advanceTimersByTimeAsync(499)
    expect(previewMatrix).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(previewMatrix).toHaveBeenCalledTimes(1)
    expect(previewMatrix.mock.calls[0]?.[1]).toEqual([row(120)])
    await vi.runAllTimersAsync()
    expect(p.counts.value).toEqual({ any_down: 7 })
    expect(p.total.value).toBe(7)
    expect(p.loading.value).toBe(false)
    scope.stop()
  })

  it('reports a failed estimate instead of a stale number', async () => {
    previewMatrix.mockRejectedValue(new Error('boom'))
    const scope = effectScope()
    const p = scope.run(() =>
      usePreview(
        () => 'm1',
        () => [row(0)],
        10,
      ),
    )!
    await vi.runAllTimersAsync()
    expect(p.failed.value).toBe(true)
    scope.stop()
  })
})
