import type { AlertRuleRow, MonitorRow } from '../../storage/repositories/index.js'
import { type AlertCondition, DEFAULT_PARAMS, type RuleParams, type RuleSpec } from './types.js'

/** A stored rule as the decision function sees it. */
export function toSpec(rule: AlertRuleRow): RuleSpec {
  return {
    ...DEFAULT_PARAMS,
    ...(JSON.parse(rule.params) as Partial<RuleParams>),
    id: rule.id,
    condition: rule.condition as AlertCondition,
  }
}

/** Does this (enabled) rule watch this monitor? Tag selectors match nothing until tags exist. */
export function ruleTargets(rule: AlertRuleRow, m: Pick<MonitorRow, 'id' | 'owner_id'>): boolean {
  switch (rule.target_kind) {
    case 'monitor':
      return rule.monitor_id === m.id
    case 'all':
      return rule.owner_id === m.owner_id
    default:
      return false
  }
}
