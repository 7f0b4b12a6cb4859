import type { Socket } from 'node:net'
import { redisSettings } from '@whatisup/shared'
import {
  dialService,
  type ServiceCheckerOptions,
  type ServiceValue,
  type Session,
  serviceChecker,
  timed,
} from './service-common.js'
import { PhaseError } from './trace.js'
import type { Checker, ProbeMonitor } from './types.js'

/** An `-ERR …` style reply: the server's own words, reported as they are. */
export class ReplyError {
  constructor(readonly message: string) {}
}
export type Reply = string | null | ReplyError | Reply[]

/** The most a check reads: INFO is a few KiB; a larger reply is not a health answer. */
const MAX_REPLY = 1024 * 1024

/**
 * Redis over RESP, without a client library: a check is three commands at most, pipelined in one
 * write (AUTH, SELECT, the monitor's read-only command), so one round trip.
 */
export function createRedisChecker(options: ServiceCheckerOptions = {}): Checker<'redis'> {
  return serviceChecker('redis', options, query)
}

async function query(m: ProbeMonitor<'redis'>, session: Session): Promise<ServiceValue> {
  // Enforced again here: the probe must never send a writing command, whatever it was assigned.
  if (!redisSettings.command.safeParse(m.command).success) {
    throw new PhaseError('config', `not a read-only command: ${m.command.slice(0, 100)}`)
  }
  const command = m.command.trim().split(/\s+/)
  const socket = await dialService(session, { host: m.host, port: m.port, secure: m.tls })
  const requests: Array<{ label: string; args: string[] }> = []
  if (m.password !== null) {
    const args = m.username === null ? ['AUTH', m.password] : ['AUTH', m.username, m.password]
    requests.push({ label: 'AUTH', args })
  }
  if (m.db !== 0) requests.push({ label: `SELECT ${m.db}`, args: ['SELECT', String(m.db)] })
  requests.push({ label: command.join(' ').slice(0, 100), args: command })
  const replies = await timed(session, 'reply', () =>
    exchange(
      socket,
      requests.map((r) => r.args),
    ),
  )
  replies.forEach((reply, i) => {
    if (reply instanceof ReplyError) throw new PhaseError('response', `${requests[i]!.label} failed: ${reply.message}`)
  })
  const last = replies[replies.length - 1] ?? null
  session.details.reply_type = Array.isArray(last) ? 'array' : last === null ? 'nil' : 'string'
  return firstValue(last)
}

function firstValue(reply: Reply): ServiceValue {
  if (!Array.isArray(reply)) return reply instanceof ReplyError ? reply.message : reply
  return reply.length ? firstValue(reply[0]!) : undefined
}

/** Writes every command at once and collects exactly one reply per command. */
function exchange(socket: Socket, commands: string[][]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const replies: Reply[] = []
    let buffered: Buffer = Buffer.alloc(0)
    const finish = (error?: PhaseError) => {
      socket.off('data', onData)
      socket.off('close', onClose)
      if (error) reject(error)
      else resolve(replies)
    }
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk
      if (buffered.length > MAX_REPLY) return finish(new PhaseError('response', 'reply larger than 1 MiB'))
      try {
        while (replies.length < commands.length) {
          const parsed = parseReply(buffered, 0)
          if (!parsed) return
          replies.push(parsed.reply)
          buffered = buffered.subarray(parsed.end)
        }
      } catch (e) {
        return finish(e instanceof PhaseError ? e : new PhaseError('response', String(e)))
      }
      finish()
    }
    const onClose = () =>
      finish(new PhaseError('response', `connection closed after ${replies.length} of ${commands.length} replies`))
    socket.on('data', onData)
    socket.once('close', onClose)
    socket.write(Buffer.concat(commands.map(encode)))
  })
}

/** A command as a RESP array of bulk strings: binary-safe, unlike the inline form. */
export function encode(args: readonly string[]): Buffer {
  const parts = [`*${args.length}\r\n`]
  for (const arg of args) parts.push(`$${Buffer.byteLength(arg)}\r\n`, arg, '\r\n')
  return Buffer.from(parts.join(''))
}

/**
 * One RESP2 reply starting at `pos`, or undefined while it is incomplete. Integers stay text: they
 * are 64-bit, and `[RESULT]` is compared as text anyway.
 *
 * @example
 * parseReply(Buffer.from(':42\r\n'), 0) // { reply: '42', end: 5 }
 */
export function parseReply(buf: Buffer, pos: number, depth = 0): { reply: Reply; end: number } | undefined {
  const type = buf.toString('latin1', pos, pos + 1)
  // Judged on the first byte: another protocol may never send the CRLF a RESP line waits for.
  if (!'+-:$*'.includes(type)) throw new PhaseError('response', 'not a Redis reply: is this port a Redis server?')
  const eol = buf.indexOf('\r\n', pos)
  if (eol < 0) return undefined
  const line = buf.toString('utf8', pos + 1, eol)
  const next = eol + 2
  switch (type) {
    case '+': // simple string
    case ':': // integer
      return { reply: line, end: next }
    case '-':
      return { reply: new ReplyError(line), end: next }
    case '$': {
      // bulk string; $-1 is nil
      const length = count(line)
      if (length < 0) return { reply: null, end: next }
      if (buf.length < next + length + 2) return undefined
      return { reply: buf.toString('utf8', next, next + length), end: next + length + 2 }
    }
    default: {
      // '*' array; *-1 is nil
      const length = count(line)
      if (length < 0) return { reply: null, end: next }
      if (depth > 8) throw new PhaseError('response', 'reply nested too deeply')
      const items: Reply[] = []
      let at = next
      for (let i = 0; i < length; i++) {
        const item = parseReply(buf, at, depth + 1)
        if (!item) return undefined
        items.push(item.reply)
        at = item.end
      }
      return { reply: items, end: at }
    }
  }
}

function count(line: string): number {
  const n = Number(line)
  if (!Number.isInteger(n) || n > MAX_REPLY)
    throw new PhaseError('response', `malformed reply length "${line.slice(0, 20)}"`)
  return n
}
