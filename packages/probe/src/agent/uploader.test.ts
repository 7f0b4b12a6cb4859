import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { systemClock } from '@whatisup/shared'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver, until } from '../../test/helpers/receiver.js'
import { captureLogger, results, T0 } from '../../test/helpers/results.js'
import { createHttpProbeApi } from './api.js'
import { DiskBuffer } from './buffer.js'
import { Uploader } from './uploader.js'

let dir: string
let receiver: Receiver
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wiu-upload-'))
  receiver = await startReceiver()
})
afterEach(async () => {
  await receiver.close()
  await rm(dir, { recursive: true, force: true })
})

async function uploader(bootId = 'boot') {
  const { log, lines } = captureLogger()
  const buffer = await DiskBuffer.open(dir, { maxBytes: 1 << 20, log })
  const api = createHttpProbeApi({ baseUrl: receiver.url, apiKey: 'wiu_test', timeoutMs: 2000 })
  const up = new Uploader({ api, buffer, clock: systemClock, flushMs: 20, bootId, retryBaseMs: 20, log })
  up.start()
  return { up, buffer, lines, close: () => up.stop().finally(() => api.close()) }
}

const offsets = (r: Receiver) => r.stored.map((x) => x.checked_at - T0)
const range = (n: number) => Array.from({ length: n }, (_, i) => i)

describe('uploader', () => {
  it('batches at 500 results or after the flush delay, with increasing batch ids', async () => {
    const { up, close } = await uploader('b00t')
    for (const r of results(0, 1203)) up.add(r)
    await until(() => receiver.stored.length === 1203)
    expect(receiver.wire.map((b) => [b.batch_id, b.results.length])).toEqual([
      ['b00t-0', 500],
      ['b00t-1', 500],
      ['b00t-2', 203],
    ])
    expect(offsets(receiver)).toEqual(range(1203))
    await close()
  })

  it('buffers on disk while the server fails, then delivers everything once, in order, with original times', async () => {
    receiver.mode = 503
    const { up, buffer, lines, close } = await uploader()
    for (let i = 0; i < 12; i++) {
      for (const r of results(i * 100, 100)) up.add(r)
      await new Promise((r) => setTimeout(r, 25))
    }
    await until(() => buffer.results === 1200)
    expect(receiver.stored).toHaveLength(0)
    receiver.mode = 'reset'
    await new Promise((r) => setTimeout(r, 100))
    receiver.mode = 'ok'
    await until(() => receiver.stored.length === 1200 && buffer.batches === 0)
    expect(offsets(receiver)).toEqual(range(1200))
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual([
      'server cannot take results now: buffering on disk',
    ])
    await close()
  })

  it('retries a batch whose acknowledgement was lost under the same id; the server stores it once', async () => {
    receiver.queue.push('lose-ack')
    const { up, close } = await uploader()
    for (const r of results(0, 10)) up.add(r)
    await until(() => receiver.wire.length === 2)
    for (const r of results(10, 5)) up.add(r)
    await until(() => receiver.stored.length === 15)
    expect(receiver.wire.map((b) => b.batch_id)).toEqual(['boot-0', 'boot-0', 'boot-1'])
    expect(offsets(receiver)).toEqual(range(15))
    await close()
  })

  it('drops a batch the server rejects for good and carries on', async () => {
    receiver.queue.push(422)
    const { up, lines, close } = await uploader()
    for (const r of results(0, 3)) up.add(r)
    await until(() => receiver.wire.length === 1)
    for (const r of results(3, 2)) up.add(r)
    await until(() => receiver.stored.length === 2)
    expect(offsets(receiver)).toEqual([3, 4])
    expect(lines.find((l) => l.level === 'error')).toMatchObject({
      status: 422,
      results_lost: 3,
      code: 'VALIDATION_FAILED',
      request_id: 'req-1',
    })
    await close()
  })

  it('resends a batch without the results of monitors the server says are no longer assigned', async () => {
    receiver.unassigned = ['gone']
    const { up, lines, close } = await uploader()
    for (const r of [...results(0, 2), ...results(2, 1, 'gone'), ...results(3, 2)]) up.add(r)
    await until(() => receiver.stored.length === 4)
    expect(offsets(receiver)).toEqual([0, 1, 3, 4])
    expect(receiver.wire.map((b) => [b.batch_id, b.results.length])).toEqual([
      ['boot-0', 5],
      ['boot-0', 4],
    ])
    expect(lines.find((l) => l.level === 'warn')).toMatchObject({ monitor_ids: ['gone'], results_lost: 1 })
    expect(up.stats().batchesRejected).toBe(0)
    await close()
  })

  it('pauses uploads on 401 until resumed, keeping the results', async () => {
    receiver.queue.push(401)
    const { up, buffer, close } = await uploader()
    for (const r of results(0, 3)) up.add(r)
    await until(() => buffer.results === 3)
    for (const r of results(3, 2)) up.add(r)
    await new Promise((r) => setTimeout(r, 200))
    expect(receiver.wire).toHaveLength(1)
    expect(up.stats()).toMatchObject({ mode: 'unauthorized', pendingResults: 5 })
    up.resume()
    await until(() => receiver.stored.length === 5)
    expect(offsets(receiver)).toEqual(range(5))
    await close()
  })

  it('on stop, delivers memory when the server answers and keeps the rest on disk for the next start', async () => {
    receiver.mode = 503
    const first = await uploader('one')
    for (const r of results(0, 7)) first.up.add(r)
    await first.close()
    expect(first.buffer.results).toBe(7)

    receiver.mode = 'ok'
    const second = await uploader('two')
    for (const r of results(7, 3)) second.up.add(r)
    await second.close()
    await until(() => receiver.stored.length === 10)
    expect(offsets(receiver)).toEqual(range(10))
    expect(second.buffer.batches).toBe(0)
  })
})
