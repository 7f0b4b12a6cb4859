export { compositesSettled, startComposites } from './composite.events.js'
export { compositeRoutes } from './composite.routes.js'
export { evaluateComposite, groupCycle, reevaluateGroupParents, syncComposite } from './composite.service.js'
export { type CompositeOutcome, type CompositeRule, compositeVerdict, type MemberState } from './rules.js'
