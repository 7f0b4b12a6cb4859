import {
  type Clock,
  type HeartbeatResponse,
  HeartbeatResponseSchema,
  PROBE_PROTOCOL_VERSION,
  type ProbeHealth,
  type TimerHandle,
} from '@whatisup/shared'
import { type Logger, silentLogger } from '../log.js'
import { AGENT_VERSION, backoff, classify, describeError, type ProbeApi } from './api.js'

export interface AssignmentLoopOptions {
  api: ProbeApi
  clock: Clock
  intervalMs: number
  health: () => ProbeHealth
  /** Every accepted heartbeat; `monitors` is null when the assignment did not change. */
  onAnswer: (answer: HeartbeatResponse) => void
  log?: Logger
}

/** Pulls the server asks for (`config_changed`) are at least this far apart. */
export const MIN_PULL_SPACING_MS = 1000

/** Clock difference above which `checked_at` (probe clock) would mislead the server. */
const SKEW_WARN_MS = 10_000

/**
 * Heartbeat = health report + assignment pull. First beat at once, then every interval; a failed
 * beat keeps the current schedule running and is retried sooner, with backoff.
 */
export class AssignmentLoop {
  private configVersion: string | undefined
  private failures = 0
  private timer: TimerHandle | undefined
  private inflight: Promise<void> | undefined
  private stopped = false
  private skewed = false
  private again = false
  private lastBeatAt = Number.NEGATIVE_INFINITY
  private lastOkAt: number | undefined
  private readonly log: Logger

  constructor(private readonly o: AssignmentLoopOptions) {
    this.log = o.log ?? silentLogger
  }

  start(): void {
    this.beat()
  }

  status(): { configVersion?: string; lastHeartbeatAt?: number; failures: number } {
    return {
      ...(this.configVersion === undefined ? {} : { configVersion: this.configVersion }),
      ...(this.lastOkAt === undefined ? {} : { lastHeartbeatAt: this.lastOkAt }),
      failures: this.failures,
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) this.o.clock.clearTimeout(this.timer)
    await this.inflight
  }

  /**
   * Pulls the assignment now (the server said it changed) instead of at the next interval. Calls
   * during a beat in flight are coalesced into one more beat right after it.
   */
  pullNow(): void {
    if (this.stopped) return
    if (this.inflight) {
      this.again = true
      return
    }
    // A burst of changes (a bulk import) is one pull per MIN_PULL_SPACING_MS, not one per monitor:
    // a full assignment of 10 000 monitors is megabytes to fetch, parse and compare.
    const wait = this.lastBeatAt + MIN_PULL_SPACING_MS - this.o.clock.now()
    if (this.timer) this.o.clock.clearTimeout(this.timer)
    if (wait > 0) this.timer = this.o.clock.setTimeout(() => this.beat(), wait)
    else this.beat()
  }

  private beat(): void {
    this.timer = undefined
    this.again = false
    this.lastBeatAt = this.o.clock.now()
    this.inflight = this.exchange()
      .catch((error: unknown) => this.fail('heartbeat failed', { error }))
      .finally(() => {
        this.inflight = undefined
        if (this.stopped) return
        // A change announced while this beat was in flight may not be in its answer.
        if (this.again && this.failures === 0) return this.pullNow()
        const delay = this.failures === 0 ? this.o.intervalMs : backoff(this.failures, 1000, this.o.intervalMs)
        this.timer = this.o.clock.setTimeout(() => this.beat(), delay)
      })
  }

  private async exchange(): Promise<void> {
    const answer = await this.o.api.heartbeat({
      protocol_version: PROBE_PROTOCOL_VERSION,
      agent_version: AGENT_VERSION,
      ...(this.configVersion === undefined ? {} : { config_version: this.configVersion }),
      health: this.o.health(),
    })
    const outcome = classify(answer.status)
    if (outcome !== 'ok') {
      const level = outcome === 'unauthorized' ? 'probe API key rejected' : 'heartbeat refused'
      return this.fail(level, { status: answer.status, ...describeError(answer.body) })
    }
    const parsed = HeartbeatResponseSchema.safeParse(answer.body)
    if (!parsed.success)
      return this.fail('heartbeat answer not understood', { issues: parsed.error.issues.slice(0, 5) })
    const body = parsed.data
    if (this.failures > 0) this.log.info('heartbeat accepted again', { after_failures: this.failures })
    this.failures = 0
    this.lastOkAt = this.o.clock.now()
    this.checkSkew(body.server_time)
    // Applied before the version is adopted: if applying threw, the next beat asks again.
    this.o.onAnswer(body)
    if (body.monitors !== null) {
      this.log.info('assignment updated', { config_version: body.config_version, monitors: body.monitors.length })
    }
    this.configVersion = body.config_version
  }

  private fail(msg: string, fields: Record<string, unknown>): void {
    this.failures++
    // The first failure is news; the following ones are the same outage.
    if (this.failures === 1 || msg === 'probe API key rejected') this.log.warn(msg, { ...fields, schedule: 'kept' })
    else this.log.debug(msg, { ...fields, failures: this.failures })
  }

  private checkSkew(serverTime: number): void {
    const skew = this.o.clock.now() - serverTime
    const skewed = Math.abs(skew) > SKEW_WARN_MS
    if (skewed && !this.skewed) this.log.warn('probe clock differs from the server clock: check NTP', { skew_ms: skew })
    this.skewed = skewed
  }
}
