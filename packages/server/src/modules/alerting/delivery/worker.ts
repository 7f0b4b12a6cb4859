import type { TimerHandle } from '@whatisup/shared'
import type { Deps } from '../../../core/deps.js'
import { newId } from '../../../core/ids.js'
import type { AlertDeliveryRow } from '../../../storage/repositories/index.js'
import type { AlertMessage } from '../message.js'
import { sendToChannel } from './dispatch.js'
import { DeliveryError } from './errors.js'

export interface WorkerOptions {
  pollMs?: number
  /** A claimed row whose worker died is taken again after this long. */
  leaseMs?: number
  batch?: number
  maxAttempts?: number
  /** Wait before retry `attempt` (1-based): exponential from 30 s, at most 1 h. */
  backoffMs?: (attempt: number) => number
  /** Test hook between claim and send: throwing here is a crash (the row stays claimed, unsent). */
  beforeSend?: (row: AlertDeliveryRow) => void | Promise<void>
}

export const defaultBackoff = (attempt: number) => Math.min(30_000 * 2 ** (attempt - 1), 3_600_000)

/** Thrown by a `beforeSend` hook to simulate the process dying between record and send. */
export class SimulatedCrash extends Error {}

/**
 * Sends what the outbox holds. Each row is claimed with a lease before its send (two workers or
 * replicas never send it at once; a crashed worker's row is retried after the lease), and its
 * outcome recorded under the claim. Rows of one channel and subject go out in order: a
 * resolution never overtakes the opening it closes while that one is being retried.
 */
export class DeliveryWorker {
  private readonly token = newId()
  private readonly o: Required<Omit<WorkerOptions, 'beforeSend'>>
  private readonly beforeSend: WorkerOptions['beforeSend'] | null
  private timer: TimerHandle | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private off: (() => void) | null = null
  private prunedAt = Number.NEGATIVE_INFINITY

  constructor(
    private deps: Deps,
    opts: WorkerOptions = {},
  ) {
    this.o = {
      pollMs: opts.pollMs ?? 5_000,
      leaseMs: opts.leaseMs ?? 60_000,
      batch: opts.batch ?? 50,
      maxAttempts: opts.maxAttempts ?? 8,
      backoffMs: opts.backoffMs ?? defaultBackoff,
    }
    this.beforeSend = opts.beforeSend ?? null
  }

  start(): this {
    this.off = this.deps.events.on('AlertDeliveriesRecorded', () => this.kick())
    this.kick()
    return this
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.off?.()
    if (this.timer) this.deps.clock.clearTimeout(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }

  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.running = (async () => {
      do {
        this.again = false
        try {
          await this.drain()
        } catch (err) {
          if (err instanceof SimulatedCrash) return
          this.deps.log.error({ err }, 'alert delivery pass failed')
        }
      } while (this.again && !this.stopped)
      await this.prune()
      await this.schedule()
    })().finally(() => {
      this.running = null
    })
  }

  /** Hourly: the log keeps DATA_RETENTION_DAYS (90 by default), the preview's journal 35 days. */
  private async prune(): Promise<void> {
    const now = this.deps.clock.now()
    if (now - this.prunedAt < 3_600_000) return
    this.prunedAt = now
    const days = this.deps.config.DATA_RETENTION_DAYS || 90
    await this.deps.repos.alertDeliveries.pruneBefore(now - Math.max(days, 35) * 86_400_000)
    await this.deps.repos.alertState.pruneSignals(now - 35 * 86_400_000)
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return
    const now = this.deps.clock.now()
    const next = await this.deps.repos.alertDeliveries.nextDueAt()
    const delay = next !== null && next > now ? Math.min(next - now, this.o.pollMs) : this.o.pollMs
    if (this.timer) this.deps.clock.clearTimeout(this.timer)
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null
      this.kick()
    }, delay)
  }

  /** Passes until nothing due is left that can go now; returns how many rows were attempted. */
  async drain(): Promise<number> {
    let total = 0
    for (;;) {
      const n = await this.runOnce()
      total += n
      if (n === 0 || this.stopped) return total
    }
  }

  /** One pass over the due rows, in order. */
  async runOnce(): Promise<number> {
    const now = this.deps.clock.now()
    const repo = this.deps.repos.alertDeliveries
    let attempted = 0
    for (const id of await repo.dueIds(now, this.o.batch)) {
      if (this.stopped) break
      if (await repo.blockedByEarlier(id)) continue
      const row = await repo.claim(id, `${this.token}:${id}`, now, now + this.o.leaseMs)
      if (!row) continue
      attempted++
      if (this.beforeSend) await this.beforeSend(row)
      await this.deliver(row)
    }
    return attempted
  }

  private async deliver(row: AlertDeliveryRow): Promise<void> {
    const repo = this.deps.repos.alertDeliveries
    const claim = `${this.token}:${row.id}`
    const channel = row.channel_id ? await this.deps.repos.alerts.findChannel(row.channel_id) : undefined
    const now = () => this.deps.clock.now()
    if (channel?.enabled !== 1 || !row.payload) {
      await repo.finish(row.id, claim, { status: 'failed', now: now(), last_error: 'channel deleted or disabled' })
      return
    }
    const episode = row.idempotency_key.split('|')[0] ?? row.id
    try {
      const response = await sendToChannel(this.deps, channel, JSON.parse(row.payload) as AlertMessage, {
        idempotencyKey: row.idempotency_key,
        dedupKey: `whatisup-${episode}`,
      })
      await repo.finish(row.id, claim, { status: 'sent', now: now(), response, last_error: null })
    } catch (err) {
      const e =
        err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err), false)
      const retry = !e.permanent && row.attempts < this.o.maxAttempts
      const wait = Math.max(e.retryAfterMs ?? 0, this.o.backoffMs(row.attempts))
      await repo.finish(row.id, claim, {
        status: retry ? 'pending' : 'failed',
        now: now(),
        last_error: e.message.slice(0, 500),
        next_attempt_at: retry ? now() + wait : null,
      })
    }
  }
}

/** Starts the delivery worker (server start-up); returns the stop function. */
export function startDeliveryWorker(deps: Deps, opts: WorkerOptions = {}): () => Promise<void> {
  const w = new DeliveryWorker(deps, opts).start()
  return () => w.stop()
}
