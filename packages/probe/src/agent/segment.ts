import { open } from 'node:fs/promises'
import type { ResultBatch } from '@whatisup/shared'
import type { Logger } from '../log.js'

/** Where a batch sits on disk; handed back to `DiskBuffer.ack` once the server has it. */
export interface Entry {
  readonly offset: number
  readonly length: number
  readonly results: number
}

export interface Segment {
  seq: number
  path: string
  bytes: number
  entries: Entry[]
  /** Entries before this index are delivered; persisted in cursor.json so a restart skips them. */
  acked: number
  /** Only segments opened by this process are appended to: an old one may end in a torn line. */
  writable: boolean
}

export const SEGMENT_FILE = /^seg-(\d+)\.jsonl$/

/** Zero-padded so a directory listing sorts in write order too. */
export const segmentName = (seq: number): string => `seg-${String(seq).padStart(12, '0')}.jsonl`

export async function readEntry(path: string, entry: Entry): Promise<ResultBatch> {
  const file = await open(path, 'r')
  try {
    const bytes = Buffer.alloc(entry.length)
    await file.read(bytes, 0, entry.length, entry.offset)
    return JSON.parse(bytes.toString('utf8')) as ResultBatch
  } finally {
    await file.close()
  }
}

export function pendingResults(segment: Segment): number {
  return segment.entries.slice(segment.acked).reduce((n, e) => n + e.results, 0)
}

/** Complete lines only: a crash mid-append leaves a torn last line, which is skipped. */
export function parseSegment(data: Buffer, path: string, log: Logger): { entries: Entry[]; bytes: number } {
  const entries: Entry[] = []
  for (let offset = 0; offset < data.length; ) {
    const end = data.indexOf(10, offset)
    if (end === -1) {
      log.warn('ignoring an incomplete last line in a buffer segment', { path, bytes: data.length - offset })
      break
    }
    try {
      const batch = JSON.parse(data.subarray(offset, end).toString('utf8')) as Partial<ResultBatch>
      if (typeof batch.batch_id === 'string' && Array.isArray(batch.results)) {
        entries.push({ offset, length: end + 1 - offset, results: batch.results.length })
      }
    } catch {
      log.warn('ignoring an unreadable line in a buffer segment', { path, offset })
    }
    offset = end + 1
  }
  return { entries, bytes: data.length }
}
