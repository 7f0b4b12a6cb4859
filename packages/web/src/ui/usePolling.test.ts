import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { usePolling } from './usePolling'

function host(task: () => Promise<unknown>, intervalMs = 1000) {
  let api!: ReturnType<typeof usePolling>
  const wrapper = mount(
    defineComponent({
      setup() {
        api = usePolling(task, intervalMs)
        return () => h('div')
      },
    }),
  )
  return { wrapper, refresh: () => api.refresh() }
}

/** A task whose runs finish only when the test says so. */
function controlledTask() {
  const pending: (() => void)[] = []
  const task = vi.fn(() => new Promise<void>((resolve) => pending.push(resolve)))
  const finish = async () => {
    pending.shift()?.()
    await flushPromises()
  }
  return { task, finish }
}

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('usePolling', () => {
  it('runs on mount, then one interval after each run ends, never overlapping', async () => {
    const { task, finish } = controlledTask()
    host(task)
    expect(task).toHaveBeenCalledTimes(1)

    await vi.advanceTimersByTimeAsync(5000)
    expect(task).toHaveBeenCalledTimes(1)

    await finish()
    await vi.advanceTimersByTimeAsync(999)
    expect(task).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(task).toHaveBeenCalledTimes(2)
  })

  it('re-runs right after the current run when refreshed mid-flight', async () => {
    const { task, finish } = controlledTask()
    const { refresh } = host(task)
    void refresh()
    void refresh()
    expect(task).toHaveBeenCalledTimes(1)

    await finish()
    expect(task).toHaveBeenCalledTimes(2)
  })

  it('stops on unmount and when the task returns false', async () => {
    const task = vi.fn(async () => undefined)
    const { wrapper } = host(task)
    await flushPromises()
    wrapper.unmount()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(task).toHaveBeenCalledTimes(1)

    const gone = vi.fn(async () => false)
    host(gone)
    await flushPromises()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(gone).toHaveBeenCalledTimes(1)
  })

  it('keeps polling after a failed run', async () => {
    const task = vi.fn(async () => {
      throw new Error('blip')
    })
    host(task)
    await vi.advanceTimersByTimeAsync(1000)
    expect(task).toHaveBeenCalledTimes(2)
  })
})
