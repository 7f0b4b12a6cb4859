import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'
import type { NetCode } from '../timeseries/rollup.js'

export interface SeriesInfo {
  skey: number
  mkey: number
  probe_id: string
  net: NetCode
}

/**
 * Integer keys for monitors and series (monitor × probe × network type), cached in memory: the
 * time-series tables store a 2–3 byte integer instead of two 36-character UUIDs per row. Keys
 * are created outside the ingestion transaction, so a rolled-back batch never caches a key
 * that does not exist.
 */
export class SeriesRepository {
  private mkeys = new Map<string, number>()
  private skeys = new Map<string, number>()

  constructor(private db: Kysely<DB>) {}

  async monitorKeys(monitorIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    const missing: string[] = []
    for (const id of new Set(monitorIds)) {
      const k = this.mkeys.get(id)
      if (k === undefined) missing.push(id)
      else out.set(id, k)
    }
    if (missing.length > 0) {
      await this.db
        .insertInto('ts_monitors')
        .values(missing.map((monitor_id) => ({ monitor_id })))
        .onConflict((oc) => oc.column('monitor_id').doNothing())
        .execute()
      const rows = await this.db
        .selectFrom('ts_monitors')
        .select(['mkey', 'monitor_id'])
        .where('monitor_id', 'in', missing)
        .execute()
      for (const r of rows) {
        this.mkeys.set(r.monitor_id, r.mkey)
        out.set(r.monitor_id, r.mkey)
      }
    }
    return out
  }

  /** Existing monitor key without creating one (reads). */
  async findMonitorKey(monitorId: string): Promise<number | undefined> {
    const cached = this.mkeys.get(monitorId)
    if (cached !== undefined) return cached
    const r = await this.db
      .selectFrom('ts_monitors')
      .select('mkey')
      .where('monitor_id', '=', monitorId)
      .executeTakeFirst()
    if (r) this.mkeys.set(monitorId, r.mkey)
    return r?.mkey
  }

  async seriesKeys(mkeys: readonly number[], probeId: string, net: NetCode, now: number): Promise<Map<number, number>> {
    const out = new Map<number, number>()
    const missing: number[] = []
    for (const m of new Set(mkeys)) {
      const k = this.skeys.get(`${m}:${probeId}:${net}`)
      if (k === undefined) missing.push(m)
      else out.set(m, k)
    }
    if (missing.length > 0) {
      await this.db
        .insertInto('ts_series')
        .values(missing.map((mkey) => ({ mkey, probe_id: probeId, net, created_at: now })))
        .onConflict((oc) => oc.columns(['mkey', 'probe_id', 'net']).doNothing())
        .execute()
      const rows = await this.db
        .selectFrom('ts_series')
        .select(['skey', 'mkey'])
        .where('mkey', 'in', missing)
        .where('probe_id', '=', probeId)
        .where('net', '=', net)
        .execute()
      for (const r of rows) {
        this.skeys.set(`${r.mkey}:${probeId}:${net}`, r.skey)
        out.set(r.mkey, r.skey)
      }
    }
    return out
  }

  /** Every series of these monitors (all probes and network types). */
  async seriesOf(mkeys: readonly number[]): Promise<SeriesInfo[]> {
    if (mkeys.length === 0) return []
    const rows = await this.db
      .selectFrom('ts_series')
      .select(['skey', 'mkey', 'probe_id', 'net'])
      .where('mkey', 'in', [...mkeys])
      .orderBy('skey')
      .execute()
    return rows.map((r) => ({ ...r, net: r.net === 1 ? 1 : 0 }))
  }

  /** Monitor keys for many monitor ids (reads only; unknown ids are absent). */
  async findMonitorKeys(monitorIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    const missing: string[] = []
    for (const id of monitorIds) {
      const k = this.mkeys.get(id)
      if (k === undefined) missing.push(id)
      else out.set(id, k)
    }
    if (missing.length > 0) {
      const rows = await this.db
        .selectFrom('ts_monitors')
        .select(['mkey', 'monitor_id'])
        .where('monitor_id', 'in', missing)
        .execute()
      for (const r of rows) {
        this.mkeys.set(r.monitor_id, r.mkey)
        out.set(r.monitor_id, r.mkey)
      }
    }
    return out
  }

  /** Forgets cached keys (after a rebuild or in tests that delete rows behind the cache). */
  clearCache(): void {
    this.mkeys.clear()
    this.skeys.clear()
  }
}
