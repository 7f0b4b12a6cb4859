export { reportJobIdle, startReportJob, stopReportJob } from './job.js'
export { lastCompletePeriod, localMidnight, type Period, type ReportSchedule } from './period.js'
export { reportRoutes } from './reports.routes.js'
export { runDueReports } from './reports.service.js'
