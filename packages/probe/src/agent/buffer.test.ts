import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { batch, captureLogger } from '../../test/helpers/results.js'
import { DiskBuffer } from './buffer.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wiu-buffer-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

async function drain(buffer: DiskBuffer): Promise<string[]> {
  const ids: string[] = []
  for (let head = await buffer.head(); head; head = await buffer.head()) {
    ids.push(head.batch.batch_id)
    await buffer.ack(head.entry)
  }
  return ids
}

describe('disk buffer', () => {
  it('returns batches in order, unchanged, and forgets them once acknowledged', async () => {
    const buffer = await DiskBuffer.open(dir, { maxBytes: 1 << 20, segmentBytes: 400 })
    const batches = [batch('a-0', 0, 3), batch('a-1', 3, 3), batch('a-2', 6, 3), batch('a-3', 9, 3)]
    await buffer.append(batches)
    expect(buffer.batches).toBe(4)
    expect(buffer.results).toBe(12)
    expect((await readdir(dir)).filter((f) => f.startsWith('seg-')).length).toBeGreaterThan(1)
    expect((await buffer.head())?.batch).toEqual(batches[0])
    expect(await drain(buffer)).toEqual(['a-0', 'a-1', 'a-2', 'a-3'])
    expect(buffer.batches).toBe(0)
    expect((await readdir(dir)).filter((f) => f.startsWith('seg-'))).toEqual([])
  })

  it('survives a restart: acknowledged batches stay acknowledged, the rest is replayed in order', async () => {
    const first = await DiskBuffer.open(dir, { maxBytes: 1 << 20 })
    await first.append([batch('a-0', 0, 2), batch('a-1', 2, 2), batch('a-2', 4, 2)])
    const head = await first.head()
    await first.ack(head!.entry)

    const second = await DiskBuffer.open(dir, { maxBytes: 1 << 20 })
    expect(second.results).toBe(4)
    await second.append([batch('b-0', 6, 2)])
    expect(await drain(second)).toEqual(['a-1', 'a-2', 'b-0'])
  })

  it('skips a line torn by a crash mid-write', async () => {
    const first = await DiskBuffer.open(dir, { maxBytes: 1 << 20 })
    await first.append([batch('a-0', 0, 1)])
    const [segment] = (await readdir(dir)).filter((f) => f.startsWith('seg-'))
    await appendFile(join(dir, segment!), '{"batch_id":"a-1","resu')
    const { log, lines } = captureLogger()
    const second = await DiskBuffer.open(dir, { maxBytes: 1 << 20, log })
    expect(await drain(second)).toEqual(['a-0'])
    expect(lines.some((l) => l.level === 'warn' && String(l.msg).includes('incomplete'))).toBe(true)
  })

  it('drops the oldest segment when full, logging how many results were lost', async () => {
    const { log, lines } = captureLogger()
    const one = Buffer.byteLength(`${JSON.stringify(batch('b-00', 0, 5))}\n`)
    // Room for 6 batches, 2 per segment: the 7th and 8th each evict the oldest segment.
    const buffer = await DiskBuffer.open(dir, { maxBytes: one * 6 + 10, segmentBytes: one * 2, log })
    for (let i = 0; i < 8; i++) await buffer.append([batch(`b-${String(i).padStart(2, '0')}`, i * 5, 5)])
    const warnings = lines.filter((l) => l.level === 'warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({
      msg: 'disk buffer full: dropped the oldest segment',
      results_lost: 10,
      batches_lost: 2,
    })
    expect(await drain(buffer)).toEqual(['b-02', 'b-03', 'b-04', 'b-05', 'b-06', 'b-07'])
  })

  it('applies the bound again on start, when it was lowered', async () => {
    const first = await DiskBuffer.open(dir, { maxBytes: 1 << 20, segmentBytes: 1 })
    await first.append([batch('a-0', 0, 4), batch('a-1', 4, 4), batch('a-2', 8, 4)])
    const one = Buffer.byteLength(`${JSON.stringify(batch('a-0', 0, 4))}\n`)
    const { log, lines } = captureLogger()
    const second = await DiskBuffer.open(dir, { maxBytes: one * 2, log })
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({ results_lost: 4 })
    expect(await drain(second)).toEqual(['a-1', 'a-2'])
  })
})
