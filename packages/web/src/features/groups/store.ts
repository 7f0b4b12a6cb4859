import type { GroupCreateInput, GroupUpdateInput, MonitorGroup, Tag, TagUpdateInput } from '@whatisup/shared'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { type ApiError, toApiError } from '../../api/index'
import * as groupsApi from './api'

const byName =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a).localeCompare(key(b))

/**
 * The caller's groups and tags, loaded once and shared by the groups page, the monitors list
 * filters and bulk bar, the monitor form pickers and the detail page.
 */
export const useGroupsStore = defineStore('groups', () => {
  const groups = shallowRef<MonitorGroup[]>([])
  const tags = shallowRef<Tag[]>([])
  const groupsLoaded = ref(false)
  const tagsLoaded = ref(false)
  const groupsError = shallowRef<ApiError | null>(null)
  const tagsError = shallowRef<ApiError | null>(null)

  const groupNames = computed(
    () => Object.fromEntries(groups.value.map((g) => [g.id, g.name])) as Record<string, string>,
  )
  const tagColors = computed(
    () => Object.fromEntries(tags.value.map((t) => [t.label, t.color])) as Record<string, string | null>,
  )

  async function fetchGroups(): Promise<void> {
    try {
      groups.value = [...(await groupsApi.listGroups())].sort(byName((g) => g.name))
      groupsError.value = null
    } catch (err) {
      groupsError.value = toApiError(err)
    } finally {
      groupsLoaded.value = true
    }
  }
  async function fetchTags(): Promise<void> {
    try {
      tags.value = [...(await groupsApi.listTags())].sort(byName((t) => t.label))
      tagsError.value = null
    } catch (err) {
      tagsError.value = toApiError(err)
    } finally {
      tagsLoaded.value = true
    }
  }

  let first: Promise<unknown> | null = null
  /** Loads both lists the first time any screen needs them; later calls reuse that load. */
  const ensure = () => (first ??= Promise.all([fetchGroups(), fetchTags()]))

  async function createGroup(input: GroupCreateInput): Promise<MonitorGroup> {
    const group = await groupsApi.createGroup(input)
    groups.value = [...groups.value, group].sort(byName((g) => g.name))
    return group
  }
  async function updateGroup(id: string, patch: GroupUpdateInput): Promise<MonitorGroup> {
    const group = await groupsApi.updateGroup(id, patch)
    groups.value = groups.value.map((g) => (g.id === id ? group : g)).sort(byName((g) => g.name))
    return group
  }
  async function removeGroup(id: string): Promise<void> {
    await groupsApi.deleteGroup(id)
    groups.value = groups.value.filter((g) => g.id !== id)
  }
  async function updateTag(id: string, patch: TagUpdateInput): Promise<Tag> {
    const tag = await groupsApi.updateTag(id, patch)
    tags.value = tags.value.map((t) => (t.id === id ? tag : t)).sort(byName((t) => t.label))
    return tag
  }
  async function removeTag(id: string): Promise<void> {
    await groupsApi.deleteTag(id)
    tags.value = tags.value.filter((t) => t.id !== id)
  }

  return {
    groups,
    tags,
    groupsLoaded,
    tagsLoaded,
    groupsError,
    tagsError,
    groupNames,
    tagColors,
    fetchGroups,
    fetchTags,
    ensure,
    createGroup,
    updateGroup,
    removeGroup,
    updateTag,
    removeTag,
  }
})
