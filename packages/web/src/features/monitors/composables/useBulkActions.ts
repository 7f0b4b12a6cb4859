import type { BulkActionName } from '@whatisup/shared'
import { ref } from 'vue'
import { toApiError } from '../../../api/index'
import { bulkMonitors } from '../../groups/api'

/** What one bulk action changes besides the ids it applies to. */
export type BulkExtra = { group_id: string | null } | { tags: string[] } | Record<string, never>

/**
 * Runs bulk actions through POST /monitors/bulk and turns the answer into a message: how many
 * monitors changed, and by name which ones the server did not find (deleted meanwhile, or not the
 * caller's to change).
 */
export function useBulkActions(
  t: (key: string, named?: Record<string, unknown>) => string,
  nameOf: (id: string) => string,
  afterEach: () => Promise<unknown>,
) {
  const busy = ref(false)
  const notice = ref('')
  const error = ref('')

  async function run(ids: readonly string[], action: BulkActionName, extra: BulkExtra = {}): Promise<boolean> {
    busy.value = true
    notice.value = ''
    error.value = ''
    try {
      const res = await bulkMonitors({ ids: [...ids], action, ...extra })
      const done = t('grouping.bulkDone', {
        action: t(`grouping.actions.${action}`),
        affected: res.affected,
        total: ids.length,
      })
      const missing = res.not_found.length
        ? ` ${t('grouping.bulkNotFound', { n: res.not_found.length, names: res.not_found.map(nameOf).join(', ') })}`
        : ''
      notice.value = done + missing
      return true
    } catch (err) {
      error.value = t('grouping.bulkFailed', { message: toApiError(err).message })
      return false
    } finally {
      busy.value = false
      await afterEach()
    }
  }

  return { busy, notice, error, run }
}
