import { type DiagnosticsUpload, FakeClock, type ProbeCommand } from '@whatisup/shared'
import { describe, expect, it } from 'vitest'
import type { ApiAnswer, ProbeApi } from '../agent/api.js'
import { silentLogger } from '../log.js'
import type { CollectorRegistry } from './run.js'
import { DiagnosticsRunner } from './runner.js'

const command = (id: string): Extract<ProbeCommand, { type: 'diagnose' }> => ({
  type: 'diagnose',
  request_id: id,
  monitor_id: 'm1',
  incident_id: 'i1',
  target: { host: 'example.test' },
  kinds: ['ping'],
})

/** A probe API whose diagnostics answers are scripted; collectors that answer at once. */
function setup(statuses: number[]) {
  const clock = new FakeClock(1_000)
  const uploads: DiagnosticsUpload[] = []
  let runs = 0
  const api = {
    postDiagnostics: (u: DiagnosticsUpload): Promise<ApiAnswer> => {
      uploads.push(u)
      return Promise.resolve({ status: statuses.shift() ?? 200, body: {} })
    },
  } as unknown as ProbeApi
  const ping = async () => {
    runs++
    return { payload: null, raw: null, error: 'binary_missing:ping' }
  }
  const collectors = { ping } as unknown as CollectorRegistry
  const runner = new DiagnosticsRunner({
    api,
    clock,
    log: silentLogger,
    policy: () => ({ allowPrivate: false }),
    collectors,
  })
  /** Lets the runner's promises settle, firing its backoff timers as they are armed. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r))
      clock.advance(15_000)
    }
    await runner.idle()
  }
  return { runner, uploads, runs: () => runs, settle }
}

describe('DiagnosticsRunner', () => {
  it('runs a request once however often it is delivered, and uploads its results', async () => {
    const s = setup([200])
    s.runner.handle(command('r1'))
    s.runner.handle(command('r1'))
    await s.settle()
    s.runner.handle(command('r1'))
    await s.settle()
    expect(s.runs()).toBe(1)
    expect(s.uploads).toEqual([
      {
        request_id: 'r1',
        results: [
          {
            kind: 'ping',
            payload: null,
            raw: null,
            error: 'binary_missing:ping',
            duration_ms: expect.any(Number),
            collected_at: 1_000,
          },
        ],
      },
    ])
  })

  it('retries a failed upload, and forgets a request it could not deliver so a redelivery runs it again', async () => {
    const s = setup([503, 503, 503, 200])
    s.runner.handle(command('r2'))
    await s.settle()
    expect(s.uploads).toHaveLength(3)
    s.runner.handle(command('r2'))
    await s.settle()
    expect(s.runs()).toBe(2)
    expect(s.uploads).toHaveLength(4)
  })

  it('drops a request the server refuses (expired, unknown) without retrying', async () => {
    const s = setup([409])
    s.runner.handle(command('r3'))
    await s.settle()
    s.runner.handle(command('r3'))
    await s.settle()
    expect(s.uploads).toHaveLength(1)
    expect(s.runs()).toBe(1)
  })
})
