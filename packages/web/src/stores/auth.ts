import type { User } from '@whatisup/shared'
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref, shallowRef } from 'vue'
import * as authApi from '../api/auth'
import { tokens } from '../api/index'

export const useAuthStore = defineStore('auth', () => {
  const signedIn = ref(tokens.refresh() !== null)
  const user = shallowRef<User | null>(null)
  // The API client may clear or rotate tokens on its own (refresh refused): mirror it here.
  onScopeDispose(
    tokens.onChange((value) => {
      signedIn.value = value
      if (!value) user.value = null
    }),
  )

  const isAuthenticated = computed(() => signedIn.value)
  const displayName = computed(() => user.value?.full_name || user.value?.username || '')

  async function login(username: string, password: string): Promise<User> {
    const pair = await authApi.login(username.trim(), password)
    tokens.save(pair)
    return loadUser()
  }

  async function loadUser(): Promise<User> {
    user.value = await authApi.fetchMe()
    return user.value
  }

  /** Loads the user once per session; a failure here is left to the caller (router guard). */
  async function ensureUser(): Promise<User | null> {
    if (!signedIn.value) return null
    return user.value ?? loadUser()
  }

  async function logout(): Promise<void> {
    const refresh = tokens.refresh()
    tokens.clear()
    user.value = null
    // Revoking server-side is best effort: the local session is gone either way.
    if (refresh) await authApi.logout(refresh).catch(() => undefined)
  }

  async function updateProfile(patch: Parameters<typeof authApi.updateMe>[0]): Promise<void> {
    user.value = await authApi.updateMe(patch)
  }

  return { user, isAuthenticated, displayName, login, loadUser, ensureUser, logout, updateProfile }
})
