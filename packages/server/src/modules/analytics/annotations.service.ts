import { iso } from '@whatisup/shared'
import type { RequestContext } from '../../core/context.js'
import type { Deps } from '../../core/deps.js'
import { notFound } from '../../core/errors.js'
import { newId } from '../../core/ids.js'
import type { AnnotationRow } from '../../storage/repositories/analytics.repository.js'
import { visibleMonitor } from './context.js'

const toOut = (a: AnnotationRow) => ({
  id: a.id,
  monitor_id: a.monitor_id,
  content: a.content,
  annotated_at: iso(a.annotated_at),
  created_by: a.created_by,
  created_at: iso(a.created_at),
})

/** Newest first (200 by default), optionally within [from, to). Readers of the monitor may list. */
export async function listAnnotations(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  q: { from?: string | undefined; to?: string | undefined; limit: number },
) {
  const m = await visibleMonitor(deps, ctx, id)
  const rows = await deps.repos.analytics.listAnnotations(m.id, {
    limit: q.limit,
    ...(q.from !== undefined ? { from: Date.parse(q.from) } : {}),
    ...(q.to !== undefined ? { to: Date.parse(q.to) } : {}),
  })
  return rows.map(toOut)
}

/** Writing needs the right to change the monitor (the reference let any viewer annotate). */
export async function createAnnotation(
  deps: Deps,
  ctx: RequestContext,
  id: string,
  body: { content: string; annotated_at?: string | undefined },
) {
  const m = await visibleMonitor(deps, ctx, id, 'monitor:update')
  const now = deps.clock.now()
  const row: AnnotationRow = {
    id: newId(now),
    monitor_id: m.id,
    content: body.content,
    annotated_at: body.annotated_at === undefined ? now : Date.parse(body.annotated_at),
    created_by: ctx.userId,
    created_at: now,
  }
  await deps.repos.analytics.insertAnnotation(row)
  return toOut(row)
}

export async function deleteAnnotation(deps: Deps, ctx: RequestContext, id: string, annotationId: string) {
  const m = await visibleMonitor(deps, ctx, id, 'monitor:update')
  if (!(await deps.repos.analytics.deleteAnnotation(m.id, annotationId))) throw notFound('annotation')
}
