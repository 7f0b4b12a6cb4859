import type { SecureContext } from 'node:tls'
import type { TlsInfo } from '@whatisup/shared'
import type { CertFacts } from './tls-info.js'

/**
 * A full handshake is made at least this often per target, however long the server would accept
 * the session: a renewed, replaced or revoked-and-reissued certificate is seen within this delay.
 */
export const TLS_FULL_HANDSHAKE_EVERY_MS = 5 * 60_000
const MAX_TARGETS = 5000

/** What a full handshake established: the session to resume, and the certificate as it was verified. */
export interface TlsSessionEntry {
  readonly session: Buffer
  readonly info: TlsInfo
  readonly cert: CertFacts
  /** Epoch ms of the full handshake the certificate facts come from. */
  readonly readAt: number
  /** Epoch ms after which the next connection makes a full handshake again. */
  readonly until: number
}

/**
 * TLS sessions kept per target (host, port, ALPN and trust context), so most HTTPS checks resume
 * instead of making a full handshake: a resumed TLS 1.3 handshake skips the certificate chain
 * and its signature checks, the larger part of a handshake's CPU.
 *
 * A resumed session presents no certificate (`getPeerCertificate()` is empty), so each entry
 * carries the certificate facts read and verified by the full handshake that created it, and
 * stops being offered after {@link TLS_FULL_HANDSHAKE_EVERY_MS} or once the certificate's chain
 * expires, whichever comes first. Only sessions whose certificate passed every check are kept: a
 * failing target gets a full handshake on every check, so a fix is seen at once.
 */
export class TlsSessionCache {
  private readonly entries = new Map<string, TlsSessionEntry>()
  private readonly contextIds = new WeakMap<SecureContext, number>()
  private contexts = 0

  constructor(private readonly o: { refreshMs?: number; maxTargets?: number } = {}) {}

  /**
   * The key of a target. The trust context is part of it: a session made with one monitor's
   * client certificate must never be resumed by a monitor without it.
   */
  keyOf(host: string, port: number, alpn: readonly string[] | undefined, context: SecureContext): string {
    let id = this.contextIds.get(context)
    if (id === undefined) {
      id = ++this.contexts
      this.contextIds.set(context, id)
    }
    return `${id} ${host} ${port} ${alpn ? alpn.join(',') : ''}`
  }

  /** The entry whose session may be offered at `now` (epoch ms), if any. */
  offer(key: string, now: number): TlsSessionEntry | undefined {
    const entry = this.entries.get(key)
    if (!entry) return undefined
    if (entry.until > now) return entry
    this.entries.delete(key)
    return undefined
  }

  /** Keeps the session of a full handshake whose certificate passed, with the facts it showed. */
  store(key: string, session: Buffer, info: TlsInfo, cert: CertFacts, now: number): void {
    const until = Math.min(now + (this.o.refreshMs ?? TLS_FULL_HANDSHAKE_EVERY_MS), cert.shortestValidTo)
    if (until <= now) return
    // Re-inserted at the end, so the first key is the least recently refreshed one.
    this.entries.delete(key)
    this.entries.set(key, { session, info, cert, readAt: now, until })
    if (this.entries.size > (this.o.maxTargets ?? MAX_TARGETS)) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }

  /** Stops resuming `key` (a resumed handshake failed verification or was refused). */
  forget(key: string): void {
    this.entries.delete(key)
  }

  get size(): number {
    return this.entries.size
  }
}
