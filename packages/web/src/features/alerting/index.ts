import type { RouteRecordRaw } from 'vue-router'

export { default as IncidentNotificationLog } from './components/IncidentNotificationLog.vue'

/** The alerting pages; the router spreads these before its catch-all route. */
export const alertingRoutes: RouteRecordRaw[] = [
  { path: '/alerts', redirect: { name: 'alert-channels' }, meta: { title: 'alertChannels' } },
  {
    path: '/alerts/channels',
    name: 'alert-channels',
    component: () => import('./pages/ChannelsPage.vue'),
    meta: { title: 'alertChannels' },
  },
  {
    path: '/alerts/rules',
    name: 'alert-rules',
    component: () => import('./pages/RulesPage.vue'),
    meta: { title: 'alertRules' },
  },
  {
    path: '/alerts/templates',
    name: 'alert-templates',
    component: () => import('./pages/TemplatesPage.vue'),
    meta: { title: 'alertTemplates' },
  },
  {
    path: '/monitors/:id/alerts',
    name: 'monitor-alerts',
    component: () => import('./pages/MonitorAlertsPage.vue'),
    props: true,
    meta: { title: 'monitorAlerts' },
  },
]
