import { z } from 'zod'

export const GroupIdParams = z.strictObject({ id: z.string().min(1).max(64) })

/** PUT /groups/{id}/report-schedule. */
export const ReportScheduleBody = z.strictObject({
  schedule: z.enum(['weekly', 'monthly']),
  recipients: z.array(z.email()).min(1).max(20),
  timezone: z.string().min(1).max(64),
  /** One of the caller's e-mail channels: its SMTP server and sender address are used. */
  channel_id: z.string().min(1).max(64),
  enabled: z.boolean().default(true),
})
export type ReportScheduleInput = z.output<typeof ReportScheduleBody>

export const ReportScheduleOut = z.object({
  group_id: z.string(),
  schedule: z.enum(['weekly', 'monthly']),
  recipients: z.array(z.string()),
  timezone: z.string(),
  channel_id: z.string(),
  enabled: z.boolean(),
  /** The last reported periods (newest first), with what happened to their e-mail. */
  recent: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      status: z.enum(['pending', 'sent', 'failed']),
      sent_at: z.string().nullable(),
      last_error: z.string().nullable(),
    }),
  ),
})
export type ReportScheduleOutDto = z.infer<typeof ReportScheduleOut>
