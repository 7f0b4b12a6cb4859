import { describe, expect, it } from 'vitest'
import {
  confirmationTargets,
  foldResult,
  type ProbeFacts,
  type ProbeView,
  quorumCount,
  settingsFor,
  verdict,
} from './correlate.js'
import { decide, type OpenIncident } from './decide.js'

const S = settingsFor(60)
const NOW = 10_000_000

/** Builds a view by folding a sequence of statuses one minute apart, ending at `end`. */
function history(probeId: string, seq: string, end = NOW, s = S): ProbeView {
  let v: ProbeView | undefined
  const codes = { u: 'up', d: 'down', g: 'degraded' } as const
  ;[...seq].forEach((c, i) => {
    v = foldResult(v, probeId, codes[c as keyof typeof codes], end - (seq.length - 1 - i) * 60_000, s) ?? v
  })
  return v!
}

function probes(spec: Record<string, Partial<ProbeFacts>>): Map<string, ProbeFacts> {
  return new Map(
    Object.entries(spec).map(([id, f]) => [id, { id, region: null, asn: null, online: true, suspect: false, ...f }]),
  )
}

describe('foldResult: per-probe hysteresis', () => {
  it.each([
    ['one failure does not count', 'ud', 'up'],
    ['two consecutive failures count', 'udd', 'down'],
    ['first-ever failures count once the threshold is met', 'dd', 'down'],
    ['one success after failing does not recover', 'ddu', 'down'],
    ['two successes recover', 'dduu', 'up'],
    ['degraded is counted at once', 'ug', 'degraded'],
    ['alternating never reaches the threshold', 'ududud', 'up'],
  ])('%s (%s → %s)', (_n, seq, counted) => {
    expect(history('p', seq).counted).toBe(counted)
  })

  it('keeps the start of the failing streak and ignores replays', () => {
    const v = history('p', 'uddd')
    expect(v.failingSince).toBe(NOW - 2 * 60_000)
    expect(foldResult(v, 'p', 'up', NOW - 1, S)).toBeNull()
  })

  it('counts state changes inside the flap window only', () => {
    const s = settingsFor(60, { failureThreshold: 1, recoveryThreshold: 1 })
    expect(history('p', 'ududud', NOW, s).changes).toHaveLength(5)
    expect(history('p', 'uduuuuuuuuuuuuuuu', NOW, s).changes).toHaveLength(0)
  })
})

describe('quorumCount', () => {
  it.each([
    ['majority', 1, 1],
    ['majority', 2, 2],
    ['majority', 3, 2],
    ['majority', 4, 3],
    ['all', 3, 3],
    ['any', 5, 1],
    [2, 5, 2],
    [9, 3, 3],
  ] as const)('%s of %i → %i', (q, n, expected) => expect(quorumCount(q, n)).toBe(expected))
})

describe('verdict across probes', () => {
  const three = probes({ a: { region: 'eu', asn: 1 }, b: { region: 'eu', asn: 2 }, c: { region: 'us', asn: 3 } })
  const cases: [string, ProbeView[], Map<string, ProbeFacts>, { status: string; scope: string; failing?: string[] }][] =
    [
      ['single probe up', [history('a', 'uu')], probes({ a: {} }), { status: 'up', scope: 'none' }],
      [
        'single probe down is global',
        [history('a', 'dd')],
        probes({ a: {} }),
        { status: 'down', scope: 'global', failing: ['a'] },
      ],
      [
        'one of three failing is probe-local',
        [history('a', 'dd'), history('b', 'uu'), history('c', 'uu')],
        three,
        { status: 'up', scope: 'probe_local', failing: ['a'] },
      ],
      [
        'all three failing is global',
        [history('a', 'dd'), history('b', 'dd'), history('c', 'dd')],
        three,
        { status: 'down', scope: 'global' },
      ],
      [
        'both EU probes failing, US up: regional',
        [history('a', 'dd'), history('b', 'dd'), history('c', 'uu')],
        three,
        { status: 'down', scope: 'regional', failing: ['a', 'b'] },
      ],
      [
        'same ASN failing across regions: regional',
        [history('a', 'dd'), history('c', 'dd'), history('b', 'uu')],
        probes({ a: { region: 'eu', asn: 7 }, b: { region: 'eu', asn: 8 }, c: { region: 'us', asn: 7 } }),
        { status: 'down', scope: 'regional' },
      ],
      [
        'scattered minority failing: partial, degraded',
        [history('a', 'dd'), history('b', 'dd'), history('c', 'uu'), history('d', 'uu'), history('e', 'uu')],
        probes({
          a: { region: 'eu' },
          b: { region: 'us' },
          c: { region: 'eu' },
          d: { region: 'us' },
          e: { region: 'ap' },
        }),
        { status: 'degraded', scope: 'partial' },
      ],
      [
        'offline probe leaves the quorum',
        [history('a', 'dd'), history('b', 'uu')],
        probes({ a: {}, b: { online: false } }),
        { status: 'down', scope: 'global', failing: ['a'] },
      ],
      [
        'suspect probe failures do not vote',
        [history('a', 'dd'), history('b', 'uu')],
        probes({ a: { suspect: true }, b: {} }),
        { status: 'up', scope: 'none', failing: [] },
      ],
      [
        'stale views do not vote',
        [history('a', 'dd', NOW - 600_000), history('b', 'uu')],
        probes({ a: {}, b: {} }),
        { status: 'up', scope: 'none' },
      ],
      [
        'no fresh view is unknown',
        [history('a', 'uu', NOW - 600_000)],
        probes({ a: {} }),
        { status: 'unknown', scope: 'none' },
      ],
      [
        'a degraded view makes the monitor degraded',
        [history('a', 'ug'), history('b', 'uu')],
        probes({ a: {}, b: {} }),
        { status: 'degraded', scope: 'none' },
      ],
      [
        'quorum "all" with two of three failing (not colocated) is partial',
        [history('a', 'dd'), history('c', 'dd'), history('b', 'uu')],
        three,
        { status: 'degraded', scope: 'partial' },
      ],
    ]
  it.each(cases)('%s', (_name, views, facts, expected) => {
    const quorum = _name.includes('"all"') ? 'all' : 'majority'
    const v = verdict(views, facts, NOW, settingsFor(60, { quorum }))
    expect(v).toMatchObject({ status: expected.status, scope: expected.scope })
    if (expected.failing) expect(v.failing.sort()).toEqual(expected.failing)
  })

  it('reports ignored suspect failures and the first failure time', () => {
    const v = verdict([history('a', 'udd'), history('b', 'ddd')], probes({ a: {}, b: { suspect: true } }), NOW, S)
    expect(v.ignored).toEqual(['b'])
    expect(v.firstFailureAt).toBe(NOW - 60_000)
  })

  it('a flapping probe during a regional outage does not turn the outage into flapping', () => {
    const s = settingsFor(60, { failureThreshold: 1, recoveryThreshold: 1 })
    const views = [
      history('a', 'dddddd', NOW, s),
      history('b', 'dudud', NOW, s),
      history('c', 'uuuuuu', NOW, s),
      history('d', 'uuuuuu', NOW, s),
    ]
    const facts = probes({ a: { region: 'eu' }, b: { region: 'eu' }, c: { region: 'us' }, d: { region: 'us' } })
    const v = verdict(views, facts, NOW, s)
    expect(v.flappingProbes).toEqual([])
    const flappy = verdict(
      [history('a', 'dddddd', NOW, s), history('b', 'ududud', NOW, s), ...views.slice(2)],
      facts,
      NOW,
      s,
    )
    expect(flappy.flappingProbes).toEqual(['b'])
    expect(flappy.flapping).toBe(false)
  })

  it('one flapping probe alone flaps the monitor', () => {
    const s = settingsFor(60, { failureThreshold: 1, recoveryThreshold: 1 })
    expect(verdict([history('a', 'ududud', NOW, s)], probes({ a: {} }), NOW, s).flapping).toBe(true)
  })
})

describe('confirmationTargets', () => {
  it('asks every other eligible probe that has not checked since the first failure', () => {
    const a = history('a', 'ud')
    const b = history('b', 'uu', NOW - 30_000)
    const c = history('c', 'uu', NOW + 1)
    expect(confirmationTargets(a, [a, b, c], ['a', 'b', 'c', 'new'])).toEqual(['b', 'new'])
    expect(confirmationTargets(history('a', 'udd'), [b], ['b'])).toEqual([])
    expect(confirmationTargets(history('a', 'uu'), [b], ['b'])).toEqual([])
  })
})

describe('decide: incident lifecycle', () => {
  const ctx = { inMaintenance: false, parentDown: false, wasFlapping: false }
  const v = (over: Partial<ReturnType<typeof verdict>>) =>
    ({
      status: 'down',
      scope: 'global',
      failing: ['a'],
      healthy: [],
      eligible: ['a'],
      ignored: [],
      flapping: false,
      flappingProbes: [],
      firstFailureAt: 5,
      ...over,
    }) as ReturnType<typeof verdict>
  const open = (scope: OpenIncident['scope'], affected = ['a']): OpenIncident => ({ id: 'i1', scope, affected })

  it.each([
    ['global opens', v({}), undefined, ctx, { kind: 'open', scope: 'global', suppressed: null, firstFailureAt: 5 }],
    [
      'regional opens',
      v({ scope: 'regional', failing: ['a', 'b'] }),
      undefined,
      ctx,
      { kind: 'open', scope: 'regional', affected: ['a', 'b'] },
    ],
    ['probe-local never opens', v({ scope: 'probe_local', status: 'up' }), undefined, ctx, { kind: 'none' }],
    ['partial never opens', v({ scope: 'partial', status: 'degraded' }), undefined, ctx, { kind: 'none' }],
    [
      'maintenance opens suppressed',
      v({}),
      undefined,
      { ...ctx, inMaintenance: true },
      { kind: 'open', suppressed: 'maintenance' },
    ],
    [
      'parent down opens suppressed',
      v({}),
      undefined,
      { ...ctx, parentDown: true },
      { kind: 'open', suppressed: 'dependency' },
    ],
    [
      'escalation regional → global is notified',
      v({ failing: ['a', 'b'] }),
      open('regional', ['a']),
      ctx,
      { kind: 'update', scope: 'global', escalated: true },
    ],
    [
      'de-escalation global → regional is not',
      v({ scope: 'regional', failing: ['a', 'b'] }),
      open('global', ['a', 'b']),
      ctx,
      { kind: 'update', escalated: false },
    ],
    ['same scope and probes: nothing', v({}), open('global'), ctx, { kind: 'none' }],
    ['recovered resolves', v({ status: 'up', scope: 'none', failing: [] }), open('global'), ctx, { kind: 'resolve' }],
    [
      'down to probe-local resolves',
      v({ status: 'up', scope: 'probe_local' }),
      open('global'),
      ctx,
      { kind: 'resolve' },
    ],
    [
      'scattered minority keeps it open, narrowed',
      v({ status: 'degraded', scope: 'partial', failing: ['a', 'c'] }),
      open('global'),
      ctx,
      { kind: 'update', scope: 'partial' },
    ],
    [
      'no data never resolves',
      v({ status: 'unknown', scope: 'none', failing: [] }),
      open('global'),
      ctx,
      { kind: 'none' },
    ],
  ] as const)('%s', (_n, verdictIn, openIn, c, expected) => {
    expect(decide(verdictIn, openIn, c).action).toMatchObject(expected)
  })

  it('raises one flapping notice, then nothing until it stops', () => {
    expect(decide(v({ flapping: true }), undefined, ctx)).toEqual({ action: { kind: 'none' }, flapping: 'started' })
    expect(decide(v({ flapping: true }), open('global'), { ...ctx, wasFlapping: true })).toEqual({
      action: { kind: 'none' },
      flapping: null,
    })
    expect(
      decide(v({ status: 'up', scope: 'none', failing: [] }), open('global'), { ...ctx, wasFlapping: true }),
    ).toEqual({
      action: { kind: 'resolve' },
      flapping: 'stopped',
    })
  })
})
