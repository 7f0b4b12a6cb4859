import type { SecureContext } from 'node:tls'
import { conditionCompiler } from './conditions.js'
import { type ConnectOptions, familyOf, openConnection, type Target } from './connect.js'
import { type Outcome, runCheck } from './run.js'
import { replyText, SmtpReader, type SmtpReply } from './smtp-wire.js'
import { trustContext, upgradeTls } from './tls.js'
import { addTiming, now, PhaseError, round, type Trace } from './trace.js'
import type { CheckContext, Checker } from './types.js'

export interface SmtpCheckerOptions {
  /** Extra trusted CA certificates (PEM) for STARTTLS and implicit TLS. */
  extraCa?: readonly string[]
}

/**
 * SMTP check: connect (implicit TLS on 465 if asked), read the 220 banner, EHLO, optionally
 * STARTTLS with a real handshake (certificate verified and reported, then EHLO again, as the RFC
 * requires), QUIT. Timings: `connect_ms`, `tls_ms`, `ttfb_ms` (connect → banner); `details` adds
 * `banner_ms` and `ehlo_ms`.
 *
 * Details: `banner`, `banner_ms`, `ehlo_ms`, `extensions`, `tls` (`none` | `starttls` | `implicit`).
 * Placeholder: `[BANNER]` (the banner's lines).
 */
export function createSmtpChecker(options: SmtpCheckerOptions = {}): Checker<'smtp'> {
  const secureContext = trustContext(options.extraCa)
  const conditionsOf = conditionCompiler('smtp')
  return { run: (ctx) => runCheck(ctx, conditionsOf(ctx.monitor), (trace) => check(ctx, trace, secureContext)) }
}

async function check(ctx: CheckContext<'smtp'>, trace: Trace, secureContext: SecureContext): Promise<Outcome> {
  const m = ctx.monitor
  const target: Target = { host: m.host, port: m.port, secure: m.implicit_tls, family: familyOf(m.ip_family) }
  const connect: ConnectOptions = { policy: ctx.policy, secureContext }
  const socket = await openConnection(target, connect, trace)
  trace.phase = 'response'
  const details: Record<string, unknown> = { tls: m.implicit_tls ? 'implicit' : m.starttls ? 'starttls' : 'none' }
  let reader = new SmtpReader(socket)
  let mark = now()
  const banner = await reader.next()
  details.banner_ms = round(now() - mark)
  addTiming(trace, 'ttfb_ms', now() - mark)
  const bannerText = banner.lines.map((l) => `${banner.code} ${l}`).join('\n')
  details.banner = bannerText.slice(0, 512)
  const facts = { values: { BANNER: bannerText } }
  const fail = (phase: 'response' | 'tls', message: string): Outcome => ({
    failure: new PhaseError(phase, message),
    facts,
    details,
  })
  if (banner.code !== 220) return fail('response', `unexpected SMTP banner: ${replyText(banner)}`)

  mark = now()
  let ehlo = await reader.command(`EHLO ${m.ehlo_name}`)
  details.ehlo_ms = round(now() - mark)
  if (ehlo.code !== 250) return fail('response', `EHLO rejected: ${replyText(ehlo)}`)
  if (m.starttls && !m.implicit_tls) {
    if (!extensions(ehlo).includes('STARTTLS')) return fail('tls', 'the server does not offer STARTTLS')
    const ready = await reader.command('STARTTLS')
    if (ready.code !== 220) return fail('tls', `STARTTLS rejected: ${replyText(ready)}`)
    reader.detach()
    const secured = await upgradeTls(socket, target, connect, trace)
    trace.phase = 'response'
    reader = new SmtpReader(secured)
    ehlo = await reader.command(`EHLO ${m.ehlo_name}`)
    if (ehlo.code !== 250) return fail('response', `EHLO after STARTTLS rejected: ${replyText(ehlo)}`)
  }
  details.extensions = extensions(ehlo).slice(0, 30)
  await quit(reader)
  return { facts, details }
}

/** EHLO keywords after the greeting line, upper case: `STARTTLS`, `SIZE 10240000`, `PIPELINING`. */
function extensions(ehlo: SmtpReply): string[] {
  return ehlo.lines.slice(1).map((l) => l.trim().toUpperCase().slice(0, 100))
}

/** Polite, not judged: some servers close without a 221, and the check already has its answer. */
async function quit(reader: SmtpReader): Promise<void> {
  try {
    await reader.command('QUIT')
  } catch {
    // Closed first: fine.
  }
}
