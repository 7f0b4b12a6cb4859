import type { AlertRuleRow, AlertRuleWithChannels, MonitorRow } from '../../storage/repositories/index.js'
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

/**
 * Does this (enabled) rule watch this monitor? A group rule watches the group's monitors now; a
 * tag rule, the monitors `rulesForMonitors` found carrying all its tags (its owner's only).
 */
export function ruleTargets(
  rule: AlertRuleWithChannels,
  m: Pick<MonitorRow, 'id' | 'owner_id'> & { group_id?: string | null },
): boolean {
  switch (rule.target_kind) {
    case 'monitor':
      return rule.monitor_id === m.id
    case 'group':
      return rule.group_id !== null && rule.group_id === m.group_id
    case 'tag':
      return rule.tag_matches?.includes(m.id) ?? false
    case 'all':
      return rule.owner_id === m.owner_id
    default:
      return false
  }
}
