import type { Clock, ProbeCommand, TimerHandle } from '@whatisup/shared'
import type { Deps } from '../../core/deps.js'

/**
 * Where commands for probes wait until a probe's long-poll picks them up. In-process here; a Redis
 * implementation (a list per probe + pub/sub to wake the replica holding the poll) replaces it
 * when several server replicas share the probes.
 *
 * Delivery is at most once per waiting set: every long-poll waiting for a probe gets a copy (a
 * probe may hold several, e.g. a stale connection and its replacement), then the queue is empty.
 * Commands are hints, never the only path: a lost `config_changed` is repaired by the next
 * heartbeat, a lost `check_now` by the next scheduled run.
 *
 * @example
 * hub.push(probeId, { type: 'check_now', monitor_id: id, request_id: rid })
 * const commands = await hub.take(probeId, 25_000, signal) // [] when nothing came in time
 */
export interface CommandHub {
  /** Queues a command for one probe and wakes its waiting polls. */
  push(probeId: string, command: ProbeCommand): void
  /** Queues a command for every probe that polled recently (the others learn at their next heartbeat). */
  broadcast(command: ProbeCommand): void
  /** Pending commands at once, or the first ones to arrive within `waitMs`; [] on timeout or abort. */
  take(probeId: string, waitMs: number, signal?: AbortSignal): Promise<ProbeCommand[]>
  /** Answers every waiting poll (empty) so the server can shut down without waiting for them. */
  close(): void
}

export interface MemoryCommandHubOptions {
  clock: Clock
  /** Bound per probe; beyond it the oldest commands are dropped (a probe that never polls). */
  maxQueue?: number
  /** A command older than this is stale: a "check now" an hour later is not what was asked. */
  ttlMs?: number
  /** How long after its last poll a probe still receives broadcasts. */
  presenceMs?: number
}

interface Queued {
  command: ProbeCommand
  expiresAt: number
}

interface Waiter {
  resolve: (commands: ProbeCommand[]) => void
}

interface Mailbox {
  queue: Queued[]
  waiters: Set<Waiter>
  lastPollAt: number
}

export class MemoryCommandHub implements CommandHub {
  private readonly boxes = new Map<string, Mailbox>()
  private readonly clock: Clock
  private readonly maxQueue: number
  private readonly ttlMs: number
  private readonly presenceMs: number
  private closed = false

  constructor(options: MemoryCommandHubOptions) {
    this.clock = options.clock
    this.maxQueue = options.maxQueue ?? 100
    this.ttlMs = options.ttlMs ?? 60_000
    this.presenceMs = options.presenceMs ?? 120_000
  }

  push(probeId: string, command: ProbeCommand): void {
    if (this.closed) return
    const box = this.box(probeId)
    const now = this.clock.now()
    box.queue = box.queue.filter((q) => q.expiresAt > now && !sameIntent(q.command, command))
    box.queue.push({ command, expiresAt: now + this.ttlMs })
    if (box.queue.length > this.maxQueue) box.queue.splice(0, box.queue.length - this.maxQueue)
    this.deliver(box)
  }

  broadcast(command: ProbeCommand): void {
    const since = this.clock.now() - this.presenceMs
    for (const [probeId, box] of this.boxes) {
      if (box.waiters.size > 0 || box.lastPollAt >= since) this.push(probeId, command)
      else if (box.queue.length === 0) this.boxes.delete(probeId)
    }
  }

  take(probeId: string, waitMs: number, signal?: AbortSignal): Promise<ProbeCommand[]> {
    const box = this.box(probeId)
    box.lastPollAt = this.clock.now()
    const ready = this.drain(box)
    if (ready.length > 0 || waitMs <= 0 || this.closed || signal?.aborted) return Promise.resolve(ready)
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined
      const waiter: Waiter = {
        resolve: (commands) => {
          if (timer) this.clock.clearTimeout(timer)
          signal?.removeEventListener('abort', cancel)
          box.waiters.delete(waiter)
          box.lastPollAt = this.clock.now()
          resolve(commands)
        },
      }
      const cancel = () => waiter.resolve([])
      timer = this.clock.setTimeout(cancel, waitMs)
      signal?.addEventListener('abort', cancel, { once: true })
      box.waiters.add(waiter)
    })
  }

  close(): void {
    this.closed = true
    for (const box of this.boxes.values()) for (const w of [...box.waiters]) w.resolve([])
  }

  /** Waiting polls right now, per probe: for tests and health. */
  waiting(probeId: string): number {
    return this.boxes.get(probeId)?.waiters.size ?? 0
  }

  private deliver(box: Mailbox): void {
    if (box.waiters.size === 0) return
    const commands = this.drain(box)
    if (commands.length === 0) return
    for (const w of [...box.waiters]) w.resolve(commands)
  }

  private drain(box: Mailbox): ProbeCommand[] {
    const now = this.clock.now()
    const live = box.queue.filter((q) => q.expiresAt > now).map((q) => q.command)
    box.queue = []
    return live
  }

  private box(probeId: string): Mailbox {
    let box = this.boxes.get(probeId)
    if (!box) {
      box = { queue: [], waiters: new Set(), lastPollAt: 0 }
      this.boxes.set(probeId, box)
    }
    return box
  }
}

/** A newer command replacing a pending one with the same effect keeps the queue short. */
function sameIntent(a: ProbeCommand, b: ProbeCommand): boolean {
  if (a.type === 'config_changed' && b.type === 'config_changed') return true
  return a.type === 'check_now' && b.type === 'check_now' && a.monitor_id === b.monitor_id
}

const hubs = new WeakMap<Deps, CommandHub>()

/** The hub of this server: in-process unless {@link useCommandHub} installed another. */
export function commandHub(deps: Deps): CommandHub {
  let hub = hubs.get(deps)
  if (!hub) {
    hub = new MemoryCommandHub({ clock: deps.clock })
    hubs.set(deps, hub)
  }
  return hub
}

/** Installs another hub (e.g. Redis-backed, for several replicas); call before `buildApp`. */
export function useCommandHub(deps: Deps, hub: CommandHub): void {
  hubs.set(deps, hub)
}

/** Ends waiting polls (shutdown) and forgets the hub, so a new app on the same deps starts clean. */
export function closeCommandHub(deps: Deps): void {
  hubs.get(deps)?.close()
  hubs.delete(deps)
}
