import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'
import { IncidentsRepository } from './incidents.repository.js'
import { MaintenanceRepository } from './maintenance.repository.js'
import { MonitorsRepository } from './monitors.repository.js'
import { ProbesRepository } from './probes.repository.js'
import { RefreshTokensRepository } from './refresh-tokens.repository.js'
import { AnalyticsRepository } from './analytics.repository.js'
import { MetricsRepository } from './metrics.repository.js'
import { ResultsRepository } from './results.repository.js'
import { RollupsRepository } from './rollups.repository.js'
import { SeriesRepository } from './series.repository.js'
import { StorageRepository } from './storage.repository.js'
import { SettingsRepository } from './settings.repository.js'
import { StateRepository } from './state.repository.js'
import { UsersRepository } from './users.repository.js'

export type Repos = ReturnType<typeof createRepos>

export function createRepos(db: Kysely<DB>) {
  const series = new SeriesRepository(db)
  return {
    users: new UsersRepository(db),
    refreshTokens: new RefreshTokensRepository(db),
    monitors: new MonitorsRepository(db),
    probes: new ProbesRepository(db),
    results: new ResultsRepository(db, series),
    series,
    rollups: new RollupsRepository(db),
    analytics: new AnalyticsRepository(db),
    metrics: new MetricsRepository(db),
    storage: new StorageRepository(db),
    state: new StateRepository(db),
    incidents: new IncidentsRepository(db),
    maintenance: new MaintenanceRepository(db),
    settings: new SettingsRepository(db),
  }
}

export type { IncidentEventRow, IncidentGroupRow, IncidentRow, IncidentUpdateRow } from './incidents.repository.js'
export type { MaintenanceRow, SilenceRow } from './maintenance.repository.js'
export type { MonitorRow, MonitorWithState } from './monitors.repository.js'
export type { ProbeRow } from './probes.repository.js'
export type { ResultRow } from './results.repository.js'
export type { UserRow } from './users.repository.js'
