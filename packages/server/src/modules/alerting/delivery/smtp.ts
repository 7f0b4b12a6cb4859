import net from 'node:net'
import tls from 'node:tls'
import { DeliveryError } from './errors.js'
import { resolveTarget } from './ssrf.js'

/**
 * A small SMTP client (RFC 5321) for alert e-mail: EHLO, STARTTLS (or implicit TLS), AUTH PLAIN or
 * LOGIN, MAIL/RCPT/DATA with dot-stuffing. Replies 4xx are transient (retried), 5xx permanent.
 * nodemailer is not a dependency of the server, and alerting needs only this much.
 */
export interface SmtpOptions {
  host: string
  port: number
  /** `starttls` upgrades a plain connection (required); `tls` is implicit TLS (465); `none` is plain. */
  security: 'starttls' | 'tls' | 'none'
  username?: string | undefined
  password?: string | undefined
  /** Verify the server certificate (off only for a self-signed relay on a trusted network). */
  verifyTls: boolean
  helo: string
  allowLan: boolean
  timeoutMs?: number
}

export interface MailEnvelope {
  from: string
  to: readonly string[]
  /** The full RFC 5322 message (headers + body), CRLF line endings. */
  data: string
}

interface Reply {
  code: number
  lines: string[]
}

class Conversation {
  private buffer = ''
  private waiters: ((r: Reply | Error) => void)[] = []
  private replies: (Reply | Error)[] = []
  private partial: string[] = []

  constructor(private socket: net.Socket) {
    this.attach(socket)
  }

  attach(socket: net.Socket): void {
    this.socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.onData(chunk))
    socket.on('error', (err) => this.push(new DeliveryError(`SMTP connection: ${err.message}`, false)))
    socket.on('close', () => this.push(new DeliveryError('SMTP connection closed', false)))
  }

  detach(): net.Socket {
    this.socket.removeAllListeners('data')
    this.socket.removeAllListeners('error')
    this.socket.removeAllListeners('close')
    return this.socket
  }

  private onData(chunk: string): void {
    this.buffer += chunk
    for (let i = this.buffer.indexOf('\n'); i >= 0; i = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '')
      this.buffer = this.buffer.slice(i + 1)
      this.partial.push(line.slice(4))
      if (line[3] !== '-') {
        this.push({ code: Number(line.slice(0, 3)), lines: this.partial })
        this.partial = []
      }
    }
  }

  private push(r: Reply | Error): void {
    const w = this.waiters.shift()
    if (w) w(r)
    else this.replies.push(r)
  }

  read(): Promise<Reply> {
    const r = this.replies.shift()
    if (r) return r instanceof Error ? Promise.reject(r) : Promise.resolve(r)
    return new Promise((resolve, reject) => this.waiters.push((x) => (x instanceof Error ? reject(x) : resolve(x))))
  }

  async command(line: string | null, expect: number[], what: string): Promise<Reply> {
    if (line !== null) this.socket.write(`${line}\r\n`)
    const r = await this.read()
    if (!expect.includes(r.code)) {
      const text = `SMTP ${what}: ${r.code} ${r.lines.join(' ').slice(0, 200)}`
      throw new DeliveryError(text, r.code >= 500)
    }
    return r
  }
}

function connect(o: SmtpOptions, address: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new DeliveryError(`SMTP connect: ${err.message}`, false))
    const socket =
      o.security === 'tls'
        ? tls.connect({ host: address, port: o.port, servername: o.host, rejectUnauthorized: o.verifyTls }, () =>
            resolve(socket),
          )
        : net.connect({ host: address, port: o.port }, () => resolve(socket))
    socket.once('error', onError)
    socket.setTimeout(o.timeoutMs ?? 15_000, () => socket.destroy(new Error('timed out')))
  })
}

function upgrade(socket: net.Socket, o: SmtpOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: o.host, rejectUnauthorized: o.verifyTls }, () => resolve(secure))
    secure.setTimeout(o.timeoutMs ?? 15_000, () => secure.destroy(new Error('timed out')))
    // A certificate the relay will keep presenting is a configuration problem, not a blip.
    secure.once('error', (err: NodeJS.ErrnoException) =>
      reject(new DeliveryError(`STARTTLS: ${err.message}`, /CERT|SELF_SIGNED|ALTNAME/.test(err.code ?? ''))),
    )
  })
}

/** Lines starting with a dot get another one, and the body always ends with CRLF. */
export function dotStuff(data: string): string {
  const crlf = data.replace(/\r?\n/g, '\r\n')
  return `${crlf.replace(/^\./gm, '..')}${crlf.endsWith('\r\n') ? '' : '\r\n'}`
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

/** Sends one message; returns the server's final reply to DATA (e.g. "250 queued as …"). */
export async function sendMail(o: SmtpOptions, mail: MailEnvelope): Promise<string> {
  const target = await resolveTarget(o.host, { allowLan: o.allowLan })
  let socket = await connect(o, target.address)
  const c = new Conversation(socket)
  try {
    await c.command(null, [220], 'greeting')
    let ehlo = await c.command(`EHLO ${o.helo}`, [250], 'EHLO')
    if (o.security === 'starttls') {
      if (!ehlo.lines.some((l) => /^STARTTLS\b/i.test(l)))
        throw new DeliveryError('SMTP server does not offer STARTTLS', true)
      await c.command('STARTTLS', [220], 'STARTTLS')
      socket = await upgrade(c.detach(), o)
      c.attach(socket)
      ehlo = await c.command(`EHLO ${o.helo}`, [250], 'EHLO')
    }
    if (o.username) {
      const auth = ehlo.lines.find((l) => /^AUTH\b/i.test(l))?.toUpperCase() ?? ''
      if (/\bPLAIN\b/.test(auth) || !/\bLOGIN\b/.test(auth)) {
        await c.command(`AUTH PLAIN ${b64(`\0${o.username}\0${o.password ?? ''}`)}`, [235], 'AUTH')
      } else {
        await c.command('AUTH LOGIN', [334], 'AUTH')
        await c.command(b64(o.username), [334], 'AUTH')
        await c.command(b64(o.password ?? ''), [235], 'AUTH')
      }
    }
    await c.command(`MAIL FROM:<${mail.from}>`, [250], 'MAIL FROM')
    for (const rcpt of mail.to) await c.command(`RCPT TO:<${rcpt}>`, [250, 251], 'RCPT TO')
    await c.command('DATA', [354], 'DATA')
    socket.write(`${dotStuff(mail.data)}.\r\n`)
    const done = await c.command(null, [250], 'message')
    socket.write('QUIT\r\n')
    return `${done.code} ${done.lines.join(' ')}`.slice(0, 200)
  } finally {
    socket.end()
    socket.destroy()
  }
}
