import type { Monitor, MonitorCreateInput, MonitorUpdateInput } from '@whatisup/shared'
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { type ApiError, toApiError } from '../api/index'
import * as monitorsApi from '../api/monitors'

/** The monitor list (as last fetched for `query`) plus single monitors by id for detail/edit. */
export const useMonitorsStore = defineStore('monitors', () => {
  const items = shallowRef<Monitor[]>([])
  const total = ref(0)
  const query = ref('')
  const loaded = ref(false)
  const error = shallowRef<ApiError | null>(null)
  const byId = shallowRef<Record<string, Monitor>>({})

  function remember(monitor: Monitor): Monitor {
    byId.value = { ...byId.value, [monitor.id]: monitor }
    if (items.value.some((m) => m.id === monitor.id)) {
      items.value = items.value.map((m) => (m.id === monitor.id ? monitor : m))
    }
    return monitor
  }

  let listSeq = 0
  async function fetchList(): Promise<void> {
    // A slow answer for an older search must not overwrite a newer one.
    const seq = ++listSeq
    const q = query.value.trim()
    try {
      const page = await monitorsApi.listMonitors(q ? { q } : {})
      if (seq !== listSeq) return
      items.value = page.items
      total.value = page.total
      error.value = null
    } catch (err) {
      if (seq !== listSeq) return
      error.value = toApiError(err)
    } finally {
      if (seq === listSeq) loaded.value = true
    }
  }

  const fetchOne = async (id: string) => remember(await monitorsApi.getMonitor(id))
  const create = async (input: MonitorCreateInput) => remember(await monitorsApi.createMonitor(input))
  const update = async (id: string, patch: MonitorUpdateInput) => remember(await monitorsApi.updateMonitor(id, patch))
  const pause = async (id: string) => remember(await monitorsApi.pauseMonitor(id))
  const resume = async (id: string) => remember(await monitorsApi.resumeMonitor(id))

  async function remove(id: string): Promise<void> {
    await monitorsApi.deleteMonitor(id)
    const { [id]: _removed, ...rest } = byId.value
    byId.value = rest
    if (items.value.some((m) => m.id === id)) {
      items.value = items.value.filter((m) => m.id !== id)
      total.value = Math.max(0, total.value - 1)
    }
  }

  return { items, total, query, loaded, error, byId, fetchList, fetchOne, create, update, pause, resume, remove }
})
