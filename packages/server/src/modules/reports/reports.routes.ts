import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import { startReportJob, stopReportJob } from './job.js'
import { GroupIdParams, ReportScheduleBody, ReportScheduleOut } from './reports.schemas.js'
import { getReportSchedule, putReportSchedule } from './reports.service.js'

/**
 * Scheduled group reports under /api/v1/groups/{id}/report-schedule. Registering it also starts
 * the job that sends the due reports, for the app's lifetime.
 */
export function reportRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    startReportJob(deps)
    app.addHook('onClose', async () => stopReportJob(deps))
    app.addHook('preValidation', requireUser(deps))
    const tags = ['groups']
    app.get(
      '/groups/:id/report-schedule',
      { schema: { tags, params: GroupIdParams, response: { 200: ReportScheduleOut } } },
      async (req) => getReportSchedule(deps, req.ctx, req.params.id),
    )
    app.put(
      '/groups/:id/report-schedule',
      { schema: { tags, params: GroupIdParams, body: ReportScheduleBody, response: { 200: ReportScheduleOut } } },
      async (req) => putReportSchedule(deps, req.ctx, req.params.id, req.body),
    )
  }
}
