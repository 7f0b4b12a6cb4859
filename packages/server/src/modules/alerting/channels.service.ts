import { iso } from '@whatisup/shared'
import { z } from 'zod'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { AppError, notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { AlertChannelRow } from '../../storage/repositories/index.js'
import { authorize, can } from '../policy/policy.js'
import type { ChannelCreateInput, ChannelOutDto, ChannelPatchInput } from './alerting.schemas.js'
import { maskConfig, openConfig, sealConfig } from './channel-secrets.js'
import { CHANNEL_DRIVERS, CHANNEL_KINDS, type ChannelKind } from './channels/index.js'
import { sendToChannel } from './delivery/dispatch.js'
import { DeliveryError } from './delivery/errors.js'
import { testMessage } from './message.js'

/** Kinds whose targets are arbitrary URLs/hosts: only a superadmin may let them reach the LAN. */
const PRIVATE_FLAG_KINDS: ReadonlySet<ChannelKind> = new Set(['webhook', 'email'])

export function toChannelOut(row: AlertChannelRow): ChannelOutDto {
  const { config, secrets_set } = maskConfig(row)
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ChannelKind,
    config,
    secrets_set,
    enabled: row.enabled === 1,
    locale: row.locale as ChannelOutDto['locale'],
    template: row.template,
    allow_private: row.allow_private === 1,
    owner_id: row.owner_id,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
}

/** Validates a config against its kind; issues are reported at `body.config.<field>`. */
function validConfig(kind: ChannelKind, config: Record<string, unknown>): Record<string, unknown> {
  const parsed = CHANNEL_DRIVERS[kind].schema.safeParse(config)
  if (parsed.success) return parsed.data as Record<string, unknown>
  const issues = parsed.error.issues.flatMap((i) => {
    const base = ['body', 'config', ...i.path.map(String)]
    // Unknown fields are named one by one, as everywhere else in the API.
    if (i.code === 'unrecognized_keys')
      return i.keys.map((k) => ({ path: [...base, k].join('.'), message: `unknown field: ${k}` }))
    return [{ path: base.join('.'), message: i.message }]
  })
  throw new AppError('VALIDATION_FAILED', `${issues[0]?.path}: ${issues[0]?.message}`, { issues })
}

function checkPrivateFlag(ctx: RequestContext, kind: ChannelKind, on: boolean): void {
  if (!on) return
  if (!PRIVATE_FLAG_KINDS.has(kind))
    throw new AppError('VALIDATION_FAILED', 'body.allow_private: only webhook and email channels take this flag', {
      issues: [{ path: 'body.allow_private', message: 'only webhook and email channels take this flag' }],
    })
  authorize(ctx, 'alert:private_targets')
}

export async function loadChannel(deps: Deps, ctx: RequestContext, id: string): Promise<AlertChannelRow> {
  const ch = await deps.repos.alerts.findChannelVisible(ctx, id)
  // Not visible and not existing look the same: no existence leak across tenants.
  if (!ch) throw notFound('channel')
  return ch
}

export async function listChannels(deps: Deps, ctx: RequestContext): Promise<ChannelOutDto[]> {
  return (await deps.repos.alerts.listChannels(ctx)).map(toChannelOut)
}

export async function getChannel(deps: Deps, ctx: RequestContext, id: string): Promise<ChannelOutDto> {
  return toChannelOut(await loadChannel(deps, ctx, id))
}

export async function createChannel(deps: Deps, ctx: RequestContext, b: ChannelCreateInput): Promise<ChannelOutDto> {
  authorize(ctx, 'alert:manage')
  checkPrivateFlag(ctx, b.kind, b.allow_private)
  const config = validConfig(b.kind, b.config)
  const now = deps.clock.now()
  const id = newId(now)
  await deps.repos.alerts.insertChannel({
    id,
    owner_id: ctx.userId,
    team_id: null,
    name: b.name,
    kind: b.kind,
    config: sealConfig(deps.config, id, b.kind, config),
    locale: b.locale,
    template: b.template,
    allow_private: b.allow_private ? 1 : 0,
    enabled: b.enabled ? 1 : 0,
    created_at: now,
    updated_at: now,
  })
  return getChannel(deps, ctx, id)
}

export async function updateChannel(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  b: ChannelPatchInput,
): Promise<ChannelOutDto> {
  const ch = await loadChannel(deps, ctx, id)
  authorize(ctx, 'alert:manage', ch)
  const kind = ch.kind as ChannelKind
  if (b.allow_private && ch.allow_private !== 1) checkPrivateFlag(ctx, kind, true)
  // The flag vouches for a target a superadmin saw: someone else changing the target loses it.
  const allowPrivate =
    b.config && ch.allow_private === 1 && !can(ctx, 'alert:private_targets') ? false : b.allow_private
  let sealed = ch.config
  if (b.config) {
    // A secret sent as "" (or left out) keeps its stored value.
    const current = openConfig(deps.config, ch)
    const merged: Record<string, unknown> = { ...b.config }
    for (const f of CHANNEL_DRIVERS[kind].secrets)
      if (merged[f] === undefined || merged[f] === '') merged[f] = current[f] ?? ''
    sealed = sealConfig(deps.config, id, kind, validConfig(kind, merged))
  }
  await deps.repos.alerts.updateChannel(id, {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.enabled !== undefined ? { enabled: b.enabled ? 1 : 0 } : {}),
    ...(b.locale !== undefined ? { locale: b.locale } : {}),
    ...(b.template !== undefined ? { template: b.template } : {}),
    ...(allowPrivate !== undefined ? { allow_private: allowPrivate ? 1 : 0 } : {}),
    config: sealed,
    updated_at: deps.clock.now(),
  })
  return getChannel(deps, ctx, id)
}

export async function deleteChannel(deps: Deps, ctx: RequestContext, id: string): Promise<void> {
  const ch = await loadChannel(deps, ctx, id)
  authorize(ctx, 'alert:manage', ch)
  await deps.repos.alerts.deleteChannel(id)
}

/** Sends the fixed test message now (not through the outbox) and says what the receiver answered. */
export async function testChannel(
  deps: Deps,
  ctx: RequestContext,
  id: string,
): Promise<{ success: boolean; detail: string }> {
  const ch = await loadChannel(deps, ctx, id)
  authorize(ctx, 'alert:manage', ch)
  const wait = await deps.limiter.hit(`alert-test:${id}`, 10, 60_000)
  if (wait > 0) throw new AppError('RATE_LIMITED', 'too many test sends', { retryAfterSeconds: wait })
  const now = deps.clock.now()
  try {
    const detail = await sendToChannel(deps, ch, testMessage(now, deps.config.PUBLIC_URL), {
      idempotencyKey: `test|${id}|${now}`,
      dedupKey: `whatisup-test-${id}`,
    })
    return { success: true, detail }
  } catch (err) {
    return { success: false, detail: err instanceof DeliveryError ? err.message : 'unexpected error' }
  }
}

/** Each kind's config as JSON Schema, for the UI to build its form from. */
export function channelKinds() {
  return CHANNEL_KINDS.map((kind) => {
    const d = CHANNEL_DRIVERS[kind]
    return {
      kind,
      lan: d.lan,
      secrets: [...d.secrets],
      schema: z.toJSONSchema(d.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    }
  })
}
