import type { TokenPairOut, User } from '@whatisup/shared'
import { api } from './index'

export const login = (username: string, password: string) =>
  api.post<TokenPairOut>('/auth/login', { username, password }, { anonymous: true })
export const logout = (refreshToken: string) =>
  api.post<void>('/auth/logout', { refresh_token: refreshToken }, { anonymous: true })
export const fetchMe = () => api.get<User>('/auth/me')
export const updateMe = (patch: {
  full_name?: string | null
  timezone?: string | null
  language?: 'en' | 'fr' | null
}) => api.patch<User>('/auth/me', patch)
