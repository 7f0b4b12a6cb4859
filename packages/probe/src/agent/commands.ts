import {
  type Clock,
  type ProbeCommand,
  ProbeCommandSchema,
  ProbeCommandsResponseSchema,
  type TimerHandle,
} from '@whatisup/shared'
import { type Logger, silentLogger } from '../log.js'
import { backoff, classify, describeError, type ProbeApi } from './api.js'

export interface CommandLoopOptions {
  api: ProbeApi
  clock: Clock
  onCommand: (command: ProbeCommand) => void
  /** How long the server may hold each poll. */
  waitSeconds?: number
  /** Longest pause between attempts while the server fails or lacks the endpoint. */
  maxBackoffMs?: number
  log?: Logger
}

/** An empty answer faster than this means something answers without waiting (a proxy): slow down. */
const MIN_EMPTY_POLL_MS = 1000

/**
 * The server's push channel: one long-poll always open, so "check now" and assignment changes
 * reach the probe within a round trip instead of at the next heartbeat. Failures back off and
 * never stop the loop; the heartbeat keeps the probe correct meanwhile, only slower to react.
 */
export class CommandLoop {
  private stopped = false
  private failures = 0
  private inflight: AbortController | undefined
  private sleeping: { timer: TimerHandle; wake: () => void } | undefined
  private running: Promise<void> | undefined
  private readonly log: Logger
  private readonly waitSeconds: number

  constructor(private readonly o: CommandLoopOptions) {
    this.log = o.log ?? silentLogger
    this.waitSeconds = o.waitSeconds ?? 25
  }

  start(): void {
    this.running ??= this.loop().catch((error: unknown) => this.log.error('command loop crashed', { error }))
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.inflight?.abort()
    if (this.sleeping) {
      this.o.clock.clearTimeout(this.sleeping.timer)
      this.sleeping.wake()
    }
    await this.running
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const pause = await this.poll()
      if (pause > 0 && !this.stopped) await this.sleep(pause)
    }
  }

  /** One poll; resolves with how long to wait before the next one. */
  private async poll(): Promise<number> {
    const started = this.o.clock.now()
    const abort = new AbortController()
    this.inflight = abort
    let status: number
    let body: unknown
    try {
      ;({ status, body } = await this.o.api.commands(this.waitSeconds, abort.signal))
    } catch (error) {
      if (this.stopped) return 0
      return this.fail('command channel unreachable', { error })
    } finally {
      this.inflight = undefined
    }
    if (classify(status) !== 'ok') {
      // 404: a server without the push channel; the heartbeat still brings everything, later.
      const hint = status === 404 ? { hint: 'server does not offer commands; relying on heartbeats' } : {}
      return this.fail('command channel refused', { status, ...describeError(body), ...hint })
    }
    const parsed = ProbeCommandsResponseSchema.safeParse(body)
    if (!parsed.success) return this.fail('command answer not understood', { issues: parsed.error.issues.slice(0, 3) })
    if (this.failures > 0) this.log.info('command channel open again', { after_failures: this.failures })
    this.failures = 0
    for (const raw of parsed.data.commands) {
      const command = ProbeCommandSchema.safeParse(raw)
      // A newer server may send kinds of commands this probe does not know: skipped, not fatal.
      if (!command.success) this.log.debug('unknown command skipped', { type: raw.type })
      else this.dispatch(command.data)
    }
    const empty = parsed.data.commands.length === 0
    return empty ? Math.max(0, MIN_EMPTY_POLL_MS - (this.o.clock.now() - started)) : 0
  }

  private dispatch(command: ProbeCommand): void {
    try {
      this.o.onCommand(command)
    } catch (error) {
      this.log.error('command handling failed', { type: command.type, error })
    }
  }

  private fail(msg: string, fields: Record<string, unknown>): number {
    this.failures++
    // The first failure is news; the following ones are the same outage.
    if (this.failures === 1) this.log.warn(msg, fields)
    else this.log.debug(msg, { ...fields, failures: this.failures })
    return backoff(this.failures, 1000, this.o.maxBackoffMs ?? 30_000)
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.sleeping = undefined
        resolve()
      }
      this.sleeping = { timer: this.o.clock.setTimeout(wake, ms), wake }
    })
  }
}
