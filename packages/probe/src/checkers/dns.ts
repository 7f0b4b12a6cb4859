import { Resolver } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { ConditionOutcome } from '@whatisup/shared'
import { conditionCompiler, outcome } from './conditions.js'
import { NOT_ALLOWED } from './connect.js'
import {
  type Answer,
  answerFingerprint,
  normalized,
  parseResolver,
  queryRecords,
  RCODE_OF_ERROR,
  type Rcode,
} from './dns-records.js'
import { type Outcome, runCheck } from './run.js'
import { policyBlocks } from './ssrf.js'
import { addTiming, errorMessage, now, PhaseError, type Trace } from './trace.js'
import type { CheckContext, Checker, ProbeMonitor } from './types.js'

/** Bounds what a result shows; conditions and the fingerprint still see every answer. */
const SHOWN_ANSWERS_CHARS = 8192

/**
 * DNS check: one query of `record_type` for `hostname`, through the monitor's resolvers (or the
 * probe's own when none are set), with a fresh resolver per check so nothing is answered from a
 * cache. The response code is compared with `expected_rcode` (as the condition
 * `[DNS_RCODE] == …`), every `expected_values` entry must be among the answers (exact,
 * case-insensitive, a trailing dot ignored), and NOERROR without any answer (NODATA) is down.
 *
 * Details: `record_type`, `rcode`, `answers` (text, resolver order), `ttl` (lowest, A/AAAA),
 * `answer_fingerprint` (SHA-256 of the sorted normalized set, for drift), `resolvers`.
 * Placeholders: `[DNS_RCODE]`, `[DNS_ANSWERS]` (array of text).
 */
export function createDnsChecker(): Checker<'dns'> {
  const conditionsOf = conditionCompiler('dns', (m) => [
    {
      text: `[DNS_RCODE] == ${m.expected_rcode}`,
      message: (o) => `response code ${o.actual}, expected ${m.expected_rcode}`,
    },
  ])
  return { run: (ctx) => runCheck(ctx, conditionsOf(ctx.monitor), (trace) => check(ctx, trace)) }
}

async function check(ctx: CheckContext<'dns'>, trace: Trace): Promise<Outcome> {
  const m = ctx.monitor
  const servers = resolverServers(m, ctx)
  // One try per resolver, all within the check's deadline (c-ares moves on to the next on failure).
  const budget = Math.max(100, m.timeout_seconds * 1000 - 100)
  const resolver = new Resolver({ timeout: Math.floor(budget / Math.max(1, servers.length)), tries: 1 })
  if (servers.length > 0) resolver.setServers(servers)
  const only = servers.length === 1 ? parseResolver(m.resolvers[0]!) : undefined
  if (only) trace.remoteAddress = only.address
  trace.scope.onAbort(() => resolver.cancel())
  trace.phase = 'dns'
  const started = now()
  let answers: Answer[] = []
  let rcode: Rcode
  try {
    answers = await queryRecords(resolver, m.record_type, m.hostname)
    rcode = 'NOERROR'
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '')
    const mapped = RCODE_OF_ERROR[code]
    if (!mapped) throw noAnswer(code, e, m)
    rcode = mapped
  } finally {
    addTiming(trace, 'dns_ms', now() - started)
  }
  const values = answers.map((a) => a.value)
  const failure =
    rcode === 'NOERROR' && values.length === 0 && m.expected_rcode === 'NOERROR'
      ? new PhaseError('response', `no ${m.record_type} records for ${m.hostname} (NOERROR without answers)`)
      : undefined
  return {
    failure,
    facts: { dnsRcode: rcode, connected: true, values: { DNS_ANSWERS: values } },
    details: details(m, rcode, answers),
    extra: expectedOutcomes(m, values),
  }
}

/** Literal resolver addresses, each checked against the network policy before any query. */
function resolverServers(m: ProbeMonitor<'dns'>, ctx: CheckContext<'dns'>): string[] {
  return m.resolvers.map((text) => {
    const parsed = parseResolver(text)
    if (!parsed || !isIP(parsed.address) || parsed.port < 1 || parsed.port > 65_535) {
      throw new PhaseError('config', `resolver "${text}" is not an IP or IP:port`)
    }
    const reason = policyBlocks(ctx.policy, parsed.address)
    if (reason) throw new PhaseError('ssrf', `resolver ${parsed.address} is a ${reason} address: ${NOT_ALLOWED}`)
    const host = isIP(parsed.address) === 6 ? `[${parsed.address}]` : parsed.address
    return `${host}:${parsed.port}`
  })
}

function noAnswer(code: string, e: unknown, m: ProbeMonitor<'dns'>): PhaseError {
  const who = m.resolvers.length ? m.resolvers.join(', ') : 'the system resolver'
  if (code === 'ETIMEOUT') return new PhaseError('timeout', `no DNS answer from ${who} within ${m.timeout_seconds}s`)
  if (code === 'ECONNREFUSED') return new PhaseError('connect', `${who} refused the DNS query (ECONNREFUSED)`)
  return new PhaseError('dns', `DNS query for ${m.hostname} ${m.record_type} failed: ${errorMessage(e)}`)
}

function expectedOutcomes(m: ProbeMonitor<'dns'>, values: string[]): ConditionOutcome[] | undefined {
  if (m.expected_values.length === 0) return undefined
  const present = new Set(values.map(normalized))
  const actual = values.join(', ') || 'no answers'
  return m.expected_values.map((expected) =>
    outcome(`[DNS_ANSWERS] includes "${expected}"`, present.has(normalized(expected)), actual),
  )
}

function details(m: ProbeMonitor<'dns'>, rcode: Rcode, answers: Answer[]): Record<string, unknown> {
  const shown: string[] = []
  let chars = 0
  for (const a of answers) {
    chars += a.value.length
    if (chars > SHOWN_ANSWERS_CHARS) break
    shown.push(a.value)
  }
  const d: Record<string, unknown> = {
    record_type: m.record_type,
    rcode,
    answers: shown,
    answer_fingerprint: answerFingerprint(answers.map((a) => a.value)),
    resolvers: m.resolvers.length ? m.resolvers : ['system'],
  }
  if (shown.length < answers.length) d.answers_truncated = true
  const ttls = answers.flatMap((a) => (a.ttl === undefined ? [] : [a.ttl]))
  if (ttls.length) d.ttl = Math.min(...ttls)
  return d
}
