import type { Kysely } from 'kysely'
import type { DB } from '../schema.js'
import { AlertConfigRepository } from './alert-config.repository.js'
import { AlertDeliveriesRepository } from './alert-deliveries.repository.js'
import { AlertStateRepository } from './alert-state.repository.js'
import { AnalyticsRepository } from './analytics.repository.js'
import { CoarseRepository } from './coarse.repository.js'
import { CompositesRepository } from './composites.repository.js'
import { DiagnosticsRepository } from './diagnostics.repository.js'
import { GroupsRepository } from './groups.repository.js'
import { HeartbeatsRepository } from './heartbeats.repository.js'
import { IncidentsRepository } from './incidents.repository.js'
import { MaintenanceRepository } from './maintenance.repository.js'
import { ManualStatesRepository } from './manual-states.repository.js'
import { MetricsRepository } from './metrics.repository.js'
import { MonitorsRepository } from './monitors.repository.js'
import { ProbesRepository } from './probes.repository.js'
import { RefreshTokensRepository } from './refresh-tokens.repository.js'
import { FOLD_QUEUE, ResultsRepository } from './results.repository.js'
import { RollupsRepository } from './rollups.repository.js'
import { SeriesRepository } from './series.repository.js'
import { SettingsRepository } from './settings.repository.js'
import { StateRepository } from './state.repository.js'
import { StorageRepository } from './storage.repository.js'
import { UsersRepository } from './users.repository.js'

export type Repos = ReturnType<typeof createRepos>

export function createRepos(db: Kysely<DB>, opts: { onFoldError?: (err: unknown) => void } = {}) {
  const series = new SeriesRepository(db)
  const results = new ResultsRepository(db, series, { ...FOLD_QUEUE, onError: opts.onFoldError })
  const settle = () => results.settle()
  return {
    users: new UsersRepository(db),
    refreshTokens: new RefreshTokensRepository(db),
    monitors: new MonitorsRepository(db),
    groups: new GroupsRepository(db),
    probes: new ProbesRepository(db),
    results,
    series,
    rollups: new RollupsRepository(db, settle),
    coarse: new CoarseRepository(db, settle),
    analytics: new AnalyticsRepository(db),
    metrics: new MetricsRepository(db),
    storage: new StorageRepository(db, settle),
    state: new StateRepository(db),
    incidents: new IncidentsRepository(db),
    maintenance: new MaintenanceRepository(db),
    settings: new SettingsRepository(db),
    alerts: new AlertConfigRepository(db),
    alertState: new AlertStateRepository(db),
    alertDeliveries: new AlertDeliveriesRepository(db),
    heartbeats: new HeartbeatsRepository(db),
    composites: new CompositesRepository(db),
    manualStates: new ManualStatesRepository(db),
    diagnostics: new DiagnosticsRepository(db),
  }
}

export type {
  AlertChannelRow,
  AlertRuleRow,
  AlertRuleWithChannels,
  AlertTemplateRow,
} from './alert-config.repository.js'
export type { DeliveryLogRow } from './alert-deliveries.repository.js'
export type { AlertDeliveryRow, AlertRuleStateRow, AlertSignalRow, SilenceSpan } from './alert-state.repository.js'
export type {
  CompositeMemberRow,
  GroupMemberRow,
  GroupMonitorState,
  MemberWithState,
} from './composites.repository.js'
export type { DiagnosticRequestRow, DiagnosticResultRow } from './diagnostics.repository.js'
export type { GroupCounts, GroupRow, TagKey, TagRow } from './groups.repository.js'
export type { HeartbeatRow, PingRow, RunRow } from './heartbeats.repository.js'
export type { IncidentEventRow, IncidentGroupRow, IncidentRow, IncidentUpdateRow } from './incidents.repository.js'
export type { MaintenanceRow, SilenceRow } from './maintenance.repository.js'
export type { ManualStateRow } from './manual-states.repository.js'
export type { MonitorRow, MonitorWithState } from './monitors.repository.js'
export type { ProbeRow } from './probes.repository.js'
export type { ResultRow } from './results.repository.js'
export type { UserRow } from './users.repository.js'
