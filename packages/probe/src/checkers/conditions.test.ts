import { describe, expect, it } from 'vitest'
import { monitorOf } from '../../test/helpers/monitor.js'
import { conditionCompiler, judgeConditions, outcome, perMonitor } from './conditions.js'

describe('conditionCompiler', () => {
  it('parses once per monitor object and again for a new assignment', () => {
    let built = 0
    const compile = conditionCompiler('tcp', () => {
      built++
      return []
    })
    const m = monitorOf('tcp', { host: 'db', port: 5432 }, { conditions: ['[CONNECTED] == true'] })
    expect(compile(m)).toBe(compile(m))
    expect(built).toBe(1)
    compile({ ...m })
    expect(built).toBe(2)
  })

  it('puts the kind settings first and records which placeholders are read', () => {
    const compile = conditionCompiler('udp', () => [{ text: '[RESULT] == open' }])
    const c = compile(monitorOf('udp', { host: 'h', port: 53 }, { conditions: ['len([BODY]) > 0'] }))
    expect(c.items.map((i) => i.text)).toEqual(['[RESULT] == open', 'len([BODY]) > 0'])
    expect([...c.uses].sort()).toEqual(['BODY', 'RESULT'])
  })

  it("allows the kind's own placeholders and refuses others' ", () => {
    const compile = conditionCompiler('tcp')
    const c = compile(monitorOf('tcp', { host: 'h', port: 1 }, { conditions: ['[RESULT] == 1'] }))
    const verdict = judgeConditions(c, {})
    expect(verdict.status).toBe('down')
    expect(verdict.outcomes[0]?.error).toMatch(/^does not parse: /)
  })
})

describe('judgeConditions', () => {
  const compile = conditionCompiler('http', () => [
    { text: '[STATUS] == 200', message: (o) => `HTTP ${o.actual}` },
    { text: '[RESPONSE_TIME] < 100 ~degraded' },
  ])
  const compiled = compile(monitorOf('http', { url: 'http://x/' }))

  it.each([
    [{ status: 200, responseTimeMs: 10 }, 'up', undefined],
    [{ status: 200, responseTimeMs: 500 }, 'degraded', '[RESPONSE_TIME] < 100 failed: actual 500ms'],
    [{ status: 503, responseTimeMs: 500 }, 'down', 'HTTP 503'],
  ] as const)('%j → %s', (facts, status, message) => {
    const v = judgeConditions(compiled, facts)
    expect(v.status).toBe(status)
    expect(v.message).toBe(message)
    expect(v.outcomes).toHaveLength(2)
  })

  it('adds judged outcomes after the conditions', () => {
    const v = judgeConditions(compiled, { status: 200, responseTimeMs: 1 }, [outcome('schema', false, 'x', 'bad')])
    expect(v).toMatchObject({ status: 'down', message: 'schema failed: actual x (bad)' })
  })

  it('bounds labels and actual values to what a result may carry', () => {
    const o = outcome('x'.repeat(600), true, `a\n${'b'.repeat(300)}`)
    expect(o.condition).toHaveLength(500)
    expect(o.actual).toHaveLength(200)
    expect(o.actual.startsWith('a b')).toBe(true)
  })
})

describe('perMonitor', () => {
  it('caches falsy results too', () => {
    let calls = 0
    const f = perMonitor((_m: object) => {
      calls++
      return undefined
    })
    const m = {}
    f(m)
    f(m)
    expect(calls).toBe(1)
  })
})
