import type { CheckResult, Clock, ResultBatch, TimerHandle } from '@whatisup/shared'
import { type Logger, silentLogger } from '../log.js'
import { backoff, describeError, type ProbeApi } from './api.js'
import type { DiskBuffer, Entry } from './buffer.js'
import { type Delivery, deliverBatch } from './delivery.js'

export const MAX_BATCH_RESULTS = 500

export interface UploaderOptions {
  api: ProbeApi
  buffer: DiskBuffer
  clock: Clock
  flushMs: number
  /** Random per process start: `${bootId}-${seq}` never repeats, so a retried id is a true retry. */
  bootId: string
  /** Sealed batches held in memory while online before they go to disk. */
  maxMemoryBatches?: number
  /** First retry delay after a failed upload, doubling up to a minute. */
  retryBaseMs?: number
  log?: Logger
}

export interface UploaderStats {
  /** Results not yet acknowledged, in memory (open batch + outbox) and on disk. */
  pendingResults: number
  bufferedResults: number
  mode: 'online' | 'retrying' | 'unauthorized'
  batchesSent: number
  batchesRejected: number
}

type Next = { batch: ResultBatch; entry?: Entry }

/**
 * Batches results and delivers them in order, exactly as produced: disk backlog first, then the
 * in-memory outbox. A batch leaves memory only once written to disk, and leaves disk only after a
 * 2xx or a permanent 4xx. One batch in flight at a time, which is what keeps the order.
 */
export class Uploader {
  private open: CheckResult[] = []
  private outbox: ResultBatch[] = []
  private seq = 0
  private mode: UploaderStats['mode'] = 'online'
  private failures = 0
  private flushTimer: TimerHandle | undefined
  private retryTimer: TimerHandle | undefined
  private pumping: Promise<void> | undefined
  private again = false
  private stopping = false
  private closed = false
  private sent = 0
  private rejected = 0
  private readonly log: Logger

  constructor(private readonly o: UploaderOptions) {
    this.log = o.log ?? silentLogger
  }

  /** Starts delivery, replaying whatever an earlier run left on disk first. */
  start(): void {
    this.kick()
  }

  /** `urgent`: someone is waiting for this result (check now): the open batch leaves at once. */
  add(result: CheckResult, urgent = false): void {
    // Only a check that outlived the stop grace period gets here: its result is abandoned.
    if (this.stopping) {
      this.log.warn('result arrived after the uploader stopped: dropped', { monitor_id: result.monitor_id })
      return
    }
    this.open.push(result)
    if (urgent || this.open.length >= MAX_BATCH_RESULTS) this.seal()
    else this.flushTimer ??= this.o.clock.setTimeout(this.sealLater, this.o.flushMs)
  }

  private readonly sealLater = () => this.seal()

  /** The key works again (a heartbeat was accepted): lift the pause a 401 put on uploads. */
  resume(): void {
    if (this.mode !== 'unauthorized') return
    this.mode = 'online'
    this.kick()
  }

  stats(): UploaderStats {
    const inMemory = this.open.length + this.outbox.reduce((n, b) => n + b.results.length, 0)
    const bufferedResults = this.o.buffer.results
    return {
      pendingResults: inMemory + bufferedResults,
      bufferedResults,
      mode: this.mode,
      batchesSent: this.sent,
      batchesRejected: this.rejected,
    }
  }

  /** Delivers what is in memory if the server answers; everything else is left on disk for the next start. */
  async stop(): Promise<void> {
    this.stopping = true
    if (this.retryTimer) this.o.clock.clearTimeout(this.retryTimer)
    this.seal()
    while (this.pumping) await this.pumping
    if (this.outbox.length) await this.spill()
    this.closed = true
  }

  private seal(): void {
    if (this.flushTimer) this.o.clock.clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    if (this.open.length === 0) return
    this.outbox.push({ batch_id: `${this.o.bootId}-${this.seq++}`, results: this.open })
    this.open = []
    this.kick()
  }

  private kick(): void {
    if (this.pumping) {
      this.again = true
      return
    }
    this.pumping = this.pump()
      .catch((error: unknown) => this.log.error('result delivery loop failed', { error }))
      .finally(() => {
        this.pumping = undefined
        if (this.again && !this.closed) {
          this.again = false
          this.kick()
        }
      })
  }

  private async pump(): Promise<void> {
    for (;;) {
      // While stopping, the disk backlog is left for the next start; memory joins it, in order.
      const canSend = this.mode === 'online' && !(this.stopping && this.o.buffer.batches > 0)
      if (!canSend || this.outbox.length > (this.o.maxMemoryBatches ?? 20)) await this.spill()
      if (!canSend) return
      const next: Next | undefined =
        this.o.buffer.batches > 0 ? await this.o.buffer.head() : this.outbox[0] && { batch: this.outbox[0] }
      if (!next) return
      const delivery = await deliverBatch(this.o.api, next.batch, this.log)
      this.note(next.batch, delivery)
      const { outcome, answer } = delivery
      if (outcome === 'ok' || outcome === 'rejected') {
        if (next.entry) await this.o.buffer.ack(next.entry)
        else this.outbox.shift()
        continue
      }
      if (!next.entry) await this.spill()
      if (outcome === 'unauthorized') {
        this.mode = 'unauthorized'
        this.log.error('probe API key rejected: uploads paused, results kept on disk', describeError(answer?.body))
      } else this.retryLater(answer?.retryAfterMs)
    }
  }

  /** Logs transitions only: one line when delivery starts failing, one when it recovers. */
  private note(batch: ResultBatch, delivery: Delivery): void {
    const { outcome, answer, error } = delivery
    if (outcome === 'ok') {
      if (this.failures > 0)
        this.log.info('server reachable again: delivering buffered results', { results: this.o.buffer.results })
      this.failures = 0
      this.sent++
    } else if (outcome === 'rejected') this.rejected++
    else if (outcome === 'retry' && this.failures === 0) {
      const why = error === undefined ? { status: answer?.status, ...describeError(answer?.body) } : { error }
      this.log.warn('server cannot take results now: buffering on disk', { batch_id: batch.batch_id, ...why })
    }
  }

  private retryLater(retryAfterMs?: number): void {
    this.mode = 'retrying'
    this.failures++
    if (this.stopping) return
    const delay = retryAfterMs ?? backoff(this.failures, this.o.retryBaseMs ?? 1000, 60_000)
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = undefined
      this.mode = 'online'
      this.kick()
    }, delay)
  }

  /** Memory → disk, in order; the batches are forgotten only once the write completed. */
  private async spill(): Promise<void> {
    const batches = this.outbox.slice()
    if (batches.length === 0) return
    await this.o.buffer.append(batches)
    this.outbox.splice(0, batches.length)
  }
}
