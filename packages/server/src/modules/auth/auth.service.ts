import { iso, type TokenPairOut, type User } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { UserRow } from '../../storage/repositories/index.js'
import { verifyPassword } from './passwords.js'
import { deriveKey, newRefreshToken, sha256, signAccessToken, verifyAccessToken } from './tokens.js'

const keys = new WeakMap<Deps, Uint8Array>()
function accessKey(deps: Deps): Uint8Array {
  let k = keys.get(deps)
  if (!k) {
    k = deriveKey(deps.config.SECRET_KEY, 'access-token')
    keys.set(deps, k)
  }
  return k
}

const WINDOW_MS = 60_000

/** Login by username or e-mail. Limited per IP and per account before any password work. */
export async function login(
  deps: Deps,
  input: { username: string; password: string; ip: string },
): Promise<TokenPairOut> {
  const limit = deps.config.LOGIN_RATE_LIMIT_PER_MINUTE
  const account = input.username.trim().toLowerCase()
  const waitIp = await deps.limiter.hit(`login:ip:${input.ip}`, limit, WINDOW_MS)
  const waitAccount = await deps.limiter.hit(`login:account:${account}`, limit, WINDOW_MS)
  const wait = Math.max(waitIp, waitAccount)
  if (wait > 0)
    throw new AppError('RATE_LIMITED', 'too many login attempts; try again later', { retryAfterSeconds: wait })

  const user = await deps.repos.users.findByLogin(account)
  const ok = await verifyPassword(user?.password_hash, input.password)
  if (!user || !ok || user.is_active !== 1) throw new AppError('INVALID_CREDENTIALS', 'invalid username or password')
  return issueTokens(deps, user.id, newId())
}

async function issueTokens(deps: Deps, userId: string, familyId: string): Promise<TokenPairOut> {
  const now = deps.clock.now()
  const { token, hash } = newRefreshToken()
  await deps.repos.refreshTokens.insert({
    id: newId(now),
    family_id: familyId,
    user_id: userId,
    token_hash: hash,
    expires_at: now + deps.config.REFRESH_TOKEN_EXPIRE_DAYS * 86_400_000,
    created_at: now,
    rotated_at: null,
    revoked_at: null,
  })
  return {
    access_token: await signAccessToken(accessKey(deps), userId, now, deps.config.ACCESS_TOKEN_EXPIRE_MINUTES),
    refresh_token: token,
    token_type: 'bearer',
    expires_in: deps.config.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
  }
}

/**
 * Rotates a refresh token. Presenting a token that was already rotated means it leaked (or a
 * client raced): the whole family is revoked, logging out every holder.
 */
export async function refresh(deps: Deps, refreshToken: string): Promise<TokenPairOut> {
  const now = deps.clock.now()
  const row = await deps.repos.refreshTokens.findByHash(sha256(refreshToken))
  if (!row || row.revoked_at !== null) throw new AppError('TOKEN_INVALID', 'invalid refresh token')
  if (row.rotated_at !== null) {
    await deps.repos.refreshTokens.revokeFamily(row.family_id, now)
    throw new AppError('TOKEN_REUSED', 'refresh token already used; all sessions of this login were revoked')
  }
  if (row.expires_at <= now) throw new AppError('TOKEN_EXPIRED', 'refresh token expired')
  const user = await deps.repos.users.findById(row.user_id)
  if (user?.is_active !== 1) throw new AppError('TOKEN_INVALID', 'invalid refresh token')
  if (!(await deps.repos.refreshTokens.markRotated(row.id, now))) {
    await deps.repos.refreshTokens.revokeFamily(row.family_id, now)
    throw new AppError('TOKEN_REUSED', 'refresh token already used; all sessions of this login were revoked')
  }
  return issueTokens(deps, user.id, row.family_id)
}

/** Revokes the token's family. Always succeeds, so logout reveals nothing about token validity. */
export async function logout(deps: Deps, refreshToken: string): Promise<void> {
  const row = await deps.repos.refreshTokens.findByHash(sha256(refreshToken))
  if (row) await deps.repos.refreshTokens.revokeFamily(row.family_id, deps.clock.now())
}

/** Bearer access token → request context. The user row is re-read so deactivation is immediate. */
export async function authenticate(deps: Deps, bearer: string): Promise<RequestContext> {
  const userId = await verifyAccessToken(accessKey(deps), bearer, deps.clock.now())
  const user = await deps.repos.users.findById(userId)
  if (user?.is_active !== 1) throw new AppError('TOKEN_INVALID', 'account disabled or deleted')
  return {
    userId: user.id,
    isSuperadmin: user.is_superadmin === 1,
    canCreateMonitors: user.can_create_monitors === 1 || user.is_superadmin === 1,
    teams: [],
  }
}

export function toUserOut(u: UserRow): User {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    full_name: u.full_name,
    is_superadmin: u.is_superadmin === 1,
    is_active: u.is_active === 1,
    can_create_monitors: u.can_create_monitors === 1,
    timezone: u.timezone,
    language: u.language,
    created_at: iso(u.created_at),
  }
}

export async function getMe(deps: Deps, ctx: RequestContext): Promise<User> {
  const u = await deps.repos.users.findById(ctx.userId)
  if (!u) throw new AppError('UNAUTHENTICATED', 'account no longer exists')
  return toUserOut(u)
}

export async function updateMe(
  deps: Deps,
  ctx: RequestContext,
  patch: {
    full_name?: string | null | undefined
    timezone?: string | null | undefined
    language?: 'en' | 'fr' | null | undefined
  },
): Promise<User> {
  const set: Partial<UserRow> = { updated_at: deps.clock.now() }
  if (patch.full_name !== undefined) set.full_name = patch.full_name
  if (patch.timezone !== undefined) set.timezone = patch.timezone
  if (patch.language !== undefined) set.language = patch.language
  await deps.repos.users.update(ctx.userId, set)
  return getMe(deps, ctx)
}
