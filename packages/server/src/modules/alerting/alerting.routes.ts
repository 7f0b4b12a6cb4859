import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Deps } from '../../core/deps.js'
import { requireUser } from '../../http/auth-hook.js'
import {
  ApplyTemplateBody,
  ChannelCreateBody,
  ChannelKindOut,
  ChannelOut,
  ChannelPatchBody,
  IdParams,
  MatrixBody,
  MatrixOut,
  NotificationOut,
  PreviewOut,
  RuleCreateBody,
  RuleOut,
  RulePatchBody,
  TemplateBody,
  TemplateOut,
  TemplateQuery,
  TestResultOut,
} from './alerting.schemas.js'
import {
  channelKinds,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  testChannel,
  updateChannel,
} from './channels.service.js'
import { startAlertingEngine, stopAlertingEngine } from './engine.js'
import { incidentNotifications, ruleNotifications } from './log.service.js'
import { applyTemplate, getMatrix, putMatrix } from './matrix.service.js'
import { previewMatrix } from './preview.js'
import { createRule, deleteRule, getRule, listRules, loadRule, updateRule } from './rules.service.js'
import { createTemplate, deleteTemplate, findTemplate, listTemplates, updateTemplate } from './templates.js'

/**
 * Alerting API under /api/v1: channels, rules, templates, the per-monitor matrix and its preview,
 * and each incident's notification log. Registering it also starts the decision engine (it
 * subscribes to the domain events) for the app's lifetime; the delivery worker is started by main.
 */
export function alertingRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    startAlertingEngine(deps)
    app.addHook('onClose', async () => stopAlertingEngine(deps))
    app.addHook('preValidation', requireUser(deps))

    const ct = { tags: ['alerting'] }
    app.get('/alerts/channel-kinds', { schema: { ...ct, response: { 200: z.array(ChannelKindOut) } } }, async () =>
      channelKinds(),
    )
    app.get('/alerts/channels', { schema: { ...ct, response: { 200: z.array(ChannelOut) } } }, async (req) =>
      listChannels(deps, req.ctx),
    )
    app.post(
      '/alerts/channels',
      { schema: { ...ct, body: ChannelCreateBody, response: { 201: ChannelOut } } },
      async (req, reply) => reply.code(201).send(await createChannel(deps, req.ctx, req.body)),
    )
    app.get(
      '/alerts/channels/:id',
      { schema: { ...ct, params: IdParams, response: { 200: ChannelOut } } },
      async (req) => getChannel(deps, req.ctx, req.params.id),
    )
    app.patch(
      '/alerts/channels/:id',
      { schema: { ...ct, params: IdParams, body: ChannelPatchBody, response: { 200: ChannelOut } } },
      async (req) => updateChannel(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/alerts/channels/:id', { schema: { ...ct, params: IdParams } }, async (req, reply) => {
      await deleteChannel(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
    app.post(
      '/alerts/channels/:id/test',
      { schema: { ...ct, params: IdParams, response: { 200: TestResultOut } } },
      async (req) => testChannel(deps, req.ctx, req.params.id),
    )

    app.get('/alerts/rules', { schema: { ...ct, response: { 200: z.array(RuleOut) } } }, async (req) =>
      listRules(deps, req.ctx),
    )
    app.post(
      '/alerts/rules',
      { schema: { ...ct, body: RuleCreateBody, response: { 201: RuleOut } } },
      async (req, reply) => reply.code(201).send(await createRule(deps, req.ctx, req.body)),
    )
    app.get('/alerts/rules/:id', { schema: { ...ct, params: IdParams, response: { 200: RuleOut } } }, async (req) =>
      getRule(deps, req.ctx, req.params.id),
    )
    app.patch(
      '/alerts/rules/:id',
      { schema: { ...ct, params: IdParams, body: RulePatchBody, response: { 200: RuleOut } } },
      async (req) => updateRule(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/alerts/rules/:id', { schema: { ...ct, params: IdParams } }, async (req, reply) => {
      await deleteRule(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })
    app.get(
      '/alerts/rules/:id/notifications',
      { schema: { ...ct, params: IdParams, response: { 200: z.array(NotificationOut) } } },
      async (req) => ruleNotifications(deps, (await loadRule(deps, req.ctx, req.params.id)).id),
    )

    app.get(
      '/alerts/templates',
      { schema: { ...ct, querystring: TemplateQuery, response: { 200: z.array(TemplateOut) } } },
      async (req) => listTemplates(deps, req.query.check_type),
    )
    app.get(
      '/alerts/templates/:id',
      { schema: { ...ct, params: IdParams, response: { 200: TemplateOut } } },
      async (req) => findTemplate(deps, req.params.id),
    )
    app.post(
      '/alerts/templates',
      { schema: { ...ct, body: TemplateBody, response: { 201: TemplateOut } } },
      async (req, reply) => reply.code(201).send(await createTemplate(deps, req.ctx, req.body)),
    )
    app.put(
      '/alerts/templates/:id',
      { schema: { ...ct, params: IdParams, body: TemplateBody, response: { 200: TemplateOut } } },
      async (req) => updateTemplate(deps, req.ctx, req.params.id, req.body),
    )
    app.delete('/alerts/templates/:id', { schema: { ...ct, params: IdParams } }, async (req, reply) => {
      await deleteTemplate(deps, req.ctx, req.params.id)
      return reply.code(204).send()
    })

    app.get(
      '/alerts/monitors/:id/matrix',
      { schema: { ...ct, params: IdParams, response: { 200: MatrixOut } } },
      async (req) => getMatrix(deps, req.ctx, req.params.id),
    )
    app.put(
      '/alerts/monitors/:id/matrix',
      { schema: { ...ct, params: IdParams, body: MatrixBody, response: { 200: MatrixOut } } },
      async (req) => putMatrix(deps, req.ctx, req.params.id, req.body.rows),
    )
    app.post(
      '/alerts/monitors/:id/matrix/preview',
      { schema: { ...ct, params: IdParams, body: MatrixBody, response: { 200: PreviewOut } } },
      async (req) => previewMatrix(deps, req.ctx, req.params.id, req.body.rows),
    )
    app.post(
      '/alerts/monitors/:id/matrix/apply',
      { schema: { ...ct, params: IdParams, body: ApplyTemplateBody, response: { 200: MatrixOut } } },
      async (req) => applyTemplate(deps, req.ctx, req.params.id, req.body),
    )

    app.get(
      '/incidents/:id/notifications',
      { schema: { tags: ['incidents'], params: IdParams, response: { 200: z.array(NotificationOut) } } },
      async (req) => incidentNotifications(deps, req.ctx, req.params.id),
    )
  }
}
