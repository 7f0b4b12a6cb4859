import { appendFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ResultBatch } from '@whatisup/shared'
import { type Logger, silentLogger } from '../log.js'
import {
  type Entry,
  parseSegment,
  pendingResults,
  readEntry,
  SEGMENT_FILE,
  type Segment,
  segmentName,
} from './segment.js'

export type { Entry } from './segment.js'

export interface DiskBufferOptions {
  maxBytes: number
  /** Size at which a new segment starts; also the unit lost when the buffer overflows. */
  segmentBytes?: number
  log?: Logger
}

/**
 * Append-only, bounded, ordered store of result batches that could not be delivered. Segments are
 * JSON-lines files; the oldest whole segment is dropped (and the loss logged) when the bound is
 * reached, so the newest results survive a long outage. All operations run one at a time.
 */
export class DiskBuffer {
  private segments: Segment[] = []
  private chain: Promise<unknown> = Promise.resolve()
  private readonly log: Logger
  private readonly segmentBytes: number
  private nextSeq = 1

  private constructor(
    private readonly dir: string,
    private readonly options: DiskBufferOptions,
  ) {
    this.log = options.log ?? silentLogger
    this.segmentBytes = options.segmentBytes ?? Math.min(16 << 20, Math.max(64 << 10, Math.floor(options.maxBytes / 8)))
  }

  static async open(dir: string, options: DiskBufferOptions): Promise<DiskBuffer> {
    const buffer = new DiskBuffer(dir, options)
    await mkdir(dir, { recursive: true })
    await buffer.load()
    return buffer
  }

  get batches(): number {
    return this.segments.reduce((n, s) => n + s.entries.length - s.acked, 0)
  }

  get results(): number {
    return this.segments.reduce((n, s) => n + pendingResults(s), 0)
  }

  /** Resolves once every batch is written: only then may the caller forget them. */
  append(batches: readonly ResultBatch[]): Promise<void> {
    return this.serial(async () => {
      for (const batch of batches) await this.write(batch)
    })
  }

  /** The oldest undelivered batch, read back from disk with its original ids and timestamps. */
  head(): Promise<{ batch: ResultBatch; entry: Entry } | undefined> {
    return this.serial(async () => {
      for (;;) {
        const segment = this.segments[0]
        const entry = segment?.entries[segment.acked]
        if (!segment || !entry) return undefined
        try {
          return { batch: await readEntry(segment.path, entry), entry }
        } catch (error) {
          // A damaged entry must not block everything behind it for ever.
          this.log.error('unreadable batch in the disk buffer: skipped', {
            path: segment.path,
            results_lost: entry.results,
            error,
          })
          await this.advance(segment)
        }
      }
    })
  }

  /** Marks the head delivered. A no-op when that segment was dropped meanwhile. */
  ack(entry: Entry): Promise<void> {
    return this.serial(async () => {
      const segment = this.segments[0]
      if (segment && segment.entries[segment.acked] === entry) await this.advance(segment)
    })
  }

  private async advance(segment: Segment): Promise<void> {
    segment.acked++
    if (segment.acked < segment.entries.length) return this.saveCursor(segment)
    this.segments.shift()
    await rm(segment.path, { force: true })
  }

  private async write(batch: ResultBatch): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(batch)}\n`)
    if (line.length > this.options.maxBytes) {
      this.log.warn('result batch larger than the whole disk buffer: dropped', { results_lost: batch.results.length })
      return
    }
    while (this.segments.length && this.totalBytes() + line.length > this.options.maxBytes) await this.dropOldest()
    let segment = this.segments.at(-1)
    if (!segment?.writable || (segment.bytes > 0 && segment.bytes + line.length > this.segmentBytes)) {
      const seq = this.nextSeq++
      segment = {
        seq,
        path: join(this.dir, segmentName(seq)),
        bytes: 0,
        entries: [],
        acked: 0,
        writable: true,
      }
      this.segments.push(segment)
    }
    await appendFile(segment.path, line)
    segment.entries.push({ offset: segment.bytes, length: line.length, results: batch.results.length })
    segment.bytes += line.length
  }

  private async dropOldest(): Promise<void> {
    const segment = this.segments.shift()
    if (!segment) return
    await rm(segment.path, { force: true })
    const lost = pendingResults(segment)
    if (lost > 0) {
      this.log.warn('disk buffer full: dropped the oldest segment', {
        results_lost: lost,
        batches_lost: segment.entries.length - segment.acked,
        max_bytes: this.options.maxBytes,
      })
    }
  }

  private totalBytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0)
  }

  private async load(): Promise<void> {
    const files = (await readdir(this.dir)).flatMap((name) => {
      const m = SEGMENT_FILE.exec(name)
      return m ? [{ seq: Number(m[1]), path: join(this.dir, name) }] : []
    })
    files.sort((a, b) => a.seq - b.seq)
    const cursor = await this.readCursor()
    // Never reuse a sequence number: a stale cursor must not apply to a future segment.
    this.nextSeq = (cursor?.seq ?? 0) + 1
    for (const { seq, path } of files) {
      this.nextSeq = Math.max(this.nextSeq, seq + 1)
      const { entries, bytes } = parseSegment(await readFile(path), path, this.log)
      const acked = cursor?.seq === seq ? Math.min(cursor.acked, entries.length) : 0
      if (acked === entries.length) await rm(path, { force: true })
      else this.segments.push({ seq, path, bytes, entries, acked, writable: false })
    }
    while (this.totalBytes() > this.options.maxBytes) await this.dropOldest()
    if (this.batches > 0) this.log.info('replaying buffered results', { batches: this.batches, results: this.results })
  }

  private async readCursor(): Promise<{ seq: number; acked: number } | undefined> {
    try {
      const c = JSON.parse(await readFile(join(this.dir, 'cursor.json'), 'utf8')) as { seq?: unknown; acked?: unknown }
      return typeof c.seq === 'number' && typeof c.acked === 'number' ? { seq: c.seq, acked: c.acked } : undefined
    } catch {
      return undefined
    }
  }

  private async saveCursor(segment: Segment): Promise<void> {
    // Written aside then renamed, so a crash leaves the old cursor or the new one, never half of one.
    const tmp = join(this.dir, 'cursor.json.tmp')
    await writeFile(tmp, JSON.stringify({ seq: segment.seq, acked: segment.acked }))
    await rename(tmp, join(this.dir, 'cursor.json'))
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn)
    this.chain = run.catch(() => undefined)
    return run
  }
}
