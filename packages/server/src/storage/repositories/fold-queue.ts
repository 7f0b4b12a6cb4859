import type SQLite from 'better-sqlite3'
import type { StatusCode } from '../timeseries/codec.js'
import type { RollupPoint } from '../timeseries/rollup.js'

/** A stored result as the rollups and consensus fold it. */
export interface FoldPoint extends RollupPoint {
  mkey: number
}

// skey u32, mkey u32, at f64, status u8, maintenance u8, latency u32, 5 phases u32 (all 0xffffffff: none).
const POINT_BYTES = 42
const NONE = 0xffffffff

/** Fold points as a compact blob (42 bytes each), the queue row's payload. */
export function encodePoints(points: readonly FoldPoint[]): Buffer {
  const buf = Buffer.allocUnsafe(points.length * POINT_BYTES)
  let o = 0
  for (const p of points) {
    buf.writeUInt32LE(p.skey, o)
    buf.writeUInt32LE(p.mkey, o + 4)
    buf.writeDoubleLE(p.at, o + 8)
    buf.writeUInt8(p.status, o + 16)
    buf.writeUInt8(p.maintenance ? 1 : 0, o + 17)
    buf.writeUInt32LE(p.lat, o + 18)
    for (let i = 0; i < 5; i++) buf.writeUInt32LE(p.phases ? (p.phases[i] ?? 0) : NONE, o + 22 + i * 4)
    o += POINT_BYTES
  }
  return buf
}

export function decodePoints(blob: Uint8Array): FoldPoint[] {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength)
  if (buf.length % POINT_BYTES !== 0)
    throw new Error(`fold queue: a payload of ${buf.length} bytes is not whole points`)
  const out: FoldPoint[] = []
  for (let o = 0; o < buf.length; o += POINT_BYTES) {
    const ph = [0, 1, 2, 3, 4].map((i) => buf.readUInt32LE(o + 22 + i * 4))
    out.push({
      skey: buf.readUInt32LE(o),
      mkey: buf.readUInt32LE(o + 4),
      at: buf.readDoubleLE(o + 8),
      status: buf.readUInt8(o + 16) as StatusCode,
      maintenance: buf.readUInt8(o + 17) === 1,
      lat: buf.readUInt32LE(o + 18),
      phases: ph.every((v) => v === NONE) ? null : ph,
    })
  }
  return out
}

export interface FoldQueueOptions {
  /** Results waiting in the queue at which an ingest waits for the fold before it returns. */
  maxResults: number
  /** How long acknowledged results wait for their fold when no read asks for them first. */
  delayMs: number
  /** A fold started by the timer failed (the next read or full queue retries it and throws). */
  onError?: ((err: unknown) => void) | undefined
}

/**
 * SQLite: rollups and consensus folded behind the acknowledgement (ADR 0007, "Fold queue").
 *
 * A batch's transaction stores its raw rows and appends its fresh points to `ts_fold_queue`; that
 * commit is the acknowledgement. One fold transaction then folds every waiting batch into the minute,
 * hour and day rollups and the consensus tables, so k batches touch each series' newest pages once
 * instead of k times (WAL page writes were most of the ingestion commit's cost). Nothing
 * acknowledged can be lost: the queue rows are deleted by the transaction that folds them, and rows
 * left by a stopped process are folded when the database is next opened.
 *
 * Reads of the rollup tables call `settle()` first, so a read sees every result acknowledged before
 * it. The queue is bounded: at `maxResults` waiting, ingestion waits for the fold.
 */
export class FoldQueue {
  private appendStmt: SQLite.Statement
  /** Highest queue row id committed, and highest folded. */
  private appended: number
  private folded = 0
  /** Results waiting (scheduling only). */
  private waiting: number
  private running: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private stopped = false

  constructor(
    private h: SQLite.Database,
    /** Folds every queued row in one transaction and deletes them; the last id and result count folded. */
    private foldAll: () => Promise<{ last: number; results: number }>,
    private opts: FoldQueueOptions,
  ) {
    this.appendStmt = h.prepare('insert into ts_fold_queue (net, queued_at, n, points) values (?, ?, ?, ?)')
    // Rows present now were left by a stopped process: all of them wait.
    const left = h
      .prepare('select coalesce(max(id), 0) as last, coalesce(sum(n), 0) as n from ts_fold_queue')
      .get() as {
      last: number
      n: number
    }
    this.appended = left.last
    this.waiting = left.n
    if (left.n > 0) this.schedule(0)
  }

  /** Inside the batch's transaction: its fresh points join the queue. Returns the queue row id. */
  append(net: number, at: number, points: readonly FoldPoint[]): number {
    return Number(this.appendStmt.run(net, at, points.length, encodePoints(points)).lastInsertRowid)
  }

  /** After the batch's transaction committed: fold soon, or now when the queue is full. */
  async committed(id: number, results: number): Promise<void> {
    if (id <= this.folded) return
    this.appended = Math.max(this.appended, id)
    this.waiting += results
    if (this.waiting >= this.opts.maxResults) await this.settle()
    else this.schedule(this.opts.delayMs)
  }

  /** Every result acknowledged before this call is folded when it resolves. */
  async settle(): Promise<void> {
    const target = this.appended
    while (this.folded < target) {
      const before = this.folded
      await this.foldOnce()
      // An empty queue with ids still "waiting" means rows went away by other means: nothing to wait for.
      if (this.folded === before) this.folded = target
    }
  }

  /** Stops the timer; what waits stays in the table for the next open. */
  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private foldOnce(): Promise<void> {
    this.running ??= this.foldAll()
      .then(({ last, results }) => {
        this.folded = Math.max(this.folded, last)
        this.waiting = Math.max(0, this.waiting - results)
      })
      .finally(() => {
        this.running = null
      })
    return this.running
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.stopped) return
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.stopped || !this.h.open || this.folded >= this.appended) return
      this.foldOnce().catch((err) => this.opts.onError?.(err))
    }, delayMs)
    this.timer.unref()
  }
}
