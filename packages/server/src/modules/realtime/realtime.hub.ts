import type { TimerHandle } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import type { DomainEvents, EventName } from '../../core/events.js'

/**
 * Whose data an event is, which decides who receives it: a monitor's (its owner, or through
 * `visibleTo` for team monitors), a group's (its owner or team), a tag's (its owner only: tags are
 * personal), or the probe fleet's (superadmins only).
 */
type Scope = 'monitor' | 'group' | 'tag' | 'fleet'

/** Events forwarded to browsers, by scope. Anything else (results, deliveries, probe heartbeats) stays server-side. */
export const FORWARDED = {
  MonitorCreated: 'monitor',
  MonitorUpdated: 'monitor',
  MonitorDeleted: 'monitor',
  MonitorStateChanged: 'monitor',
  MonitorFlapping: 'monitor',
  IncidentOpened: 'monitor',
  IncidentUpdated: 'monitor',
  IncidentReleased: 'monitor',
  IncidentResolved: 'monitor',
  DiagnosticsRecorded: 'monitor',
  GroupCreated: 'group',
  GroupUpdated: 'group',
  GroupDeleted: 'group',
  TagCreated: 'tag',
  TagUpdated: 'tag',
  TagDeleted: 'tag',
  ProbeOnline: 'fleet',
  ProbeOffline: 'fleet',
} as const satisfies Partial<Record<EventName, Scope>>
export type ForwardedEvent = keyof typeof FORWARDED

export interface RealtimeEvent {
  type: ForwardedEvent
  data: DomainEvents[ForwardedEvent]
}

/** The transport side of one client: the hub only needs to send text. */
export interface Subscriber {
  ctx: RequestContext
  send(frame: string): void
}

interface ClientState {
  sub: Subscriber
  queue: RealtimeEvent[]
  timer: TimerHandle | null
  /** monitorId → visible, for team-shared monitors (owner and superadmin need no lookup). */
  visible: Map<string, boolean>
}

export interface HubOptions {
  /** Events in this window are sent as one `batch` frame: at most 1000/windowMs frames per second. */
  windowMs: number
}

/**
 * Fan-out of domain events to authenticated sockets, scoped by the visibility policy of what they
 * concern (owner, superadmin, team) and coalesced per client.
 */
export class RealtimeHub {
  private clients = new Set<ClientState>()
  private unsubscribe: (() => void)[] = []

  constructor(
    private deps: Pick<Deps, 'events' | 'clock' | 'repos'>,
    private opts: HubOptions = { windowMs: 250 },
  ) {
    for (const name of Object.keys(FORWARDED) as ForwardedEvent[]) {
      this.unsubscribe.push(deps.events.on(name, (data) => this.dispatch({ type: name, data } as RealtimeEvent)))
    }
  }

  get size(): number {
    return this.clients.size
  }

  add(sub: Subscriber): () => void {
    const state: ClientState = { sub, queue: [], timer: null, visible: new Map() }
    this.clients.add(state)
    return () => {
      if (state.timer) this.deps.clock.clearTimeout(state.timer)
      this.clients.delete(state)
    }
  }

  close(): void {
    for (const off of this.unsubscribe) off()
    for (const c of this.clients) if (c.timer) this.deps.clock.clearTimeout(c.timer)
    this.clients.clear()
  }

  private async dispatch(ev: RealtimeEvent): Promise<void> {
    await Promise.all(
      [...this.clients].map(async (c) => {
        if (await this.canSee(c, ev)) this.enqueue(c, ev)
      }),
    )
  }

  private async canSee(c: ClientState, ev: RealtimeEvent): Promise<boolean> {
    const { ctx } = c.sub
    if (ctx.isSuperadmin) return true
    const scope = FORWARDED[ev.type]
    if (scope === 'fleet') return false
    const data = ev.data as { ownerId: string; monitorId?: string; teamId?: string | null }
    if (data.ownerId === ctx.userId) return true
    if (scope === 'tag' || ctx.teams.length === 0) return false
    // The group's team travels with its events, so even a deletion reaches the team.
    if (scope === 'group') return data.teamId != null && ctx.teams.some((t) => t.teamId === data.teamId)
    if (ev.type === 'MonitorDeleted' || data.monitorId === undefined) return false
    const cached = c.visible.get(data.monitorId)
    if (cached !== undefined) return cached
    const visible = (await this.deps.repos.monitors.findVisible(ctx, data.monitorId)) !== undefined
    c.visible.set(data.monitorId, visible)
    return visible
  }

  private enqueue(c: ClientState, ev: RealtimeEvent): void {
    if (!this.clients.has(c)) return
    c.queue.push(ev)
    if (c.timer) return
    c.timer = this.deps.clock.setTimeout(() => this.flush(c), this.opts.windowMs)
  }

  private flush(c: ClientState): void {
    c.timer = null
    if (!this.clients.has(c) || c.queue.length === 0) return
    const events = c.queue
    c.queue = []
    c.sub.send(JSON.stringify({ type: 'batch', events }))
  }
}
