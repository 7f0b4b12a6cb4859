import type { Socket } from 'node:net'
import { PhaseError } from './trace.js'

/** One SMTP reply: its code and every line's text (multi-line replies keep all of them). */
export interface SmtpReply {
  code: number
  lines: string[]
}

const MAX_BUFFER = 64 * 1024
const REPLY_LINE = /^(\d{3})([ -]|$)(.*)$/

/**
 * Reads SMTP replies off a socket in order. Bounded: a peer that never finishes a reply, or floods
 * one, fails the check instead of growing memory.
 */
export class SmtpReader {
  private buffer = ''
  private lines: string[] = []
  private code = 0
  private ready: SmtpReply[] = []
  private waiting: { resolve: (r: SmtpReply) => void; reject: (e: PhaseError) => void } | undefined
  private failure: PhaseError | undefined
  private readonly onData = (chunk: Buffer) => this.take(chunk.toString('latin1'))
  private readonly onClose = () => this.fail(new PhaseError('response', 'the server closed the connection'))

  constructor(private readonly socket: Socket) {
    socket.on('data', this.onData)
    socket.once('close', this.onClose)
  }

  /** The next complete reply. */
  next(): Promise<SmtpReply> {
    const reply = this.ready.shift()
    if (reply) return Promise.resolve(reply)
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
    })
  }

  /** Sends a command line and reads its reply. */
  command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`)
    return this.next()
  }

  /** Stops reading, before the socket is handed to TLS (STARTTLS). */
  detach(): void {
    this.socket.removeListener('data', this.onData)
    this.socket.removeListener('close', this.onClose)
  }

  private take(text: string): void {
    this.buffer += text
    if (this.buffer.length > MAX_BUFFER) {
      this.fail(new PhaseError('response', 'SMTP reply too long'))
      return
    }
    for (let end = this.buffer.indexOf('\n'); end >= 0; end = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '')
      this.buffer = this.buffer.slice(end + 1)
      const m = REPLY_LINE.exec(line)
      if (!m) {
        this.fail(new PhaseError('response', `not an SMTP reply: "${line.slice(0, 100)}"`))
        return
      }
      this.code = Number(m[1])
      this.lines.push(m[3] ?? '')
      if (m[2] === '-') continue
      this.deliver({ code: this.code, lines: this.lines })
      this.lines = []
    }
  }

  private deliver(reply: SmtpReply): void {
    const waiting = this.waiting
    this.waiting = undefined
    if (waiting) waiting.resolve(reply)
    else this.ready.push(reply)
  }

  private fail(e: PhaseError): void {
    this.failure ??= e
    const waiting = this.waiting
    this.waiting = undefined
    waiting?.reject(e)
  }
}

/** `250 mail.example.com` → the reply as its first line, for messages. */
export const replyText = (r: SmtpReply): string => `${r.code} ${r.lines[0] ?? ''}`.trim().slice(0, 200)
