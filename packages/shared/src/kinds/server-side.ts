import { z } from 'zod'

/** Heartbeat (push) monitors: the server waits for pings; probes never run them. */
export const heartbeatSettings = {
  /** Simple schedule: a ping every `period_seconds`… */
  period_seconds: z.int().min(10).max(31_536_000).nullable().default(null),
  /** …or a 5-field cron expression in `timezone`. Exactly one of the two. */
  cron: z.string().max(200).nullable().default(null),
  timezone: z.string().max(64).default('UTC'),
  grace_seconds: z.int().min(0).max(604_800).default(60),
}

export const COMPOSITE_RULES = ['all_up', 'any_up', 'majority_up', 'weighted_up'] as const

export const compositeSettings = {
  rule: z.enum(COMPOSITE_RULES).default('all_up'),
  /** While the rule holds, degraded (not up) when the up share of the members falls below this percentage. */
  degraded_below_percent: z.number().min(0).max(100).nullable().default(null),
}

/** Manual monitors: a person sets the state through the API or UI. */
export const manualSettings = {}
