import { createRouter, createWebHistory, type RouteLocationNormalized } from 'vue-router'
import { ApiError } from './api/index'
import { alertingRoutes } from './features/alerting'
import { groupsRoutes } from './features/groups'
import { prefetchMonitorPage } from './features/monitors/composables/listPage'
import type { MessageSchema } from './i18n/en'
import { useAuthStore } from './stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    /** Starts the page's first data request while its code loads (see `prefetchMonitorPage`). */
    prefetch?: (to: RouteLocationNormalized) => void
    /** Reachable without a session (the login page). */
    public?: boolean
    title: keyof MessageSchema['titles']
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    {
      path: '/',
      name: 'dashboard',
      component: () => import('./features/dashboard/pages/DashboardPage.vue'),
      meta: { title: 'dashboard' },
    },
    {
      path: '/probes',
      name: 'probes',
      component: () => import('./features/probes/pages/ProbesPage.vue'),
      meta: { title: 'probes' },
    },
    {
      path: '/settings',
      name: 'settings',
      component: () => import('./features/settings/pages/SettingsPage.vue'),
      meta: { title: 'settings' },
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('./features/auth/pages/LoginPage.vue'),
      meta: { public: true, title: 'login' },
    },
    {
      path: '/monitors',
      name: 'monitors',
      component: () => import('./features/monitors/pages/MonitorListPage.vue'),
      meta: { title: 'monitors', prefetch: (to) => prefetchMonitorPage(to.query) },
    },
    {
      path: '/monitors/new',
      name: 'monitor-new',
      component: () => import('./features/monitors/pages/MonitorCreatePage.vue'),
      meta: { title: 'newMonitor' },
    },
    {
      path: '/monitors/new/advanced',
      name: 'monitor-new-advanced',
      component: () => import('./features/monitors/pages/MonitorCreatePage.vue'),
      props: { advanced: true },
      meta: { title: 'newMonitor' },
    },
    {
      path: '/monitors/:id',
      name: 'monitor',
      component: () => import('./features/monitors/pages/MonitorDetailPage.vue'),
      props: true,
      meta: { title: 'monitor' },
    },
    {
      path: '/monitors/:id/edit',
      name: 'monitor-edit',
      component: () => import('./features/monitors/pages/MonitorEditPage.vue'),
      props: true,
      meta: { title: 'editMonitor' },
    },
    {
      path: '/incidents',
      name: 'incidents',
      component: () => import('./features/incidents/pages/IncidentListPage.vue'),
      meta: { title: 'incidents' },
    },
    {
      path: '/incidents/:id',
      name: 'incident',
      component: () => import('./features/incidents/pages/IncidentDetailPage.vue'),
      props: true,
      meta: { title: 'incident' },
    },
    {
      path: '/maintenance',
      name: 'maintenance',
      component: () => import('./features/maintenance/pages/MaintenancePage.vue'),
      meta: { title: 'maintenance' },
    },
    {
      path: '/silences',
      name: 'silences',
      component: () => import('./features/maintenance/pages/SilencesPage.vue'),
      meta: { title: 'silences' },
    },
    ...alertingRoutes,
    ...groupsRoutes,
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('./features/layout/pages/NotFoundPage.vue'),
      meta: { title: 'notFound' },
    },
  ],
})

/** Only same-app paths are honoured as a post-login destination (no open redirect). */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

/** Starts the lazy imports of the route's pages; the router's own later call finds them loaded. */
function preloadComponents(to: RouteLocationNormalized): void {
  for (const record of to.matched) {
    for (const component of Object.values(record.components ?? {})) {
      if (typeof component === 'function') void (component as () => Promise<unknown>)().catch(() => undefined)
    }
  }
}

router.beforeEach(async (to: RouteLocationNormalized) => {
  const auth = useAuthStore()
  if (to.meta.public) {
    return to.name === 'login' && auth.isAuthenticated ? safeRedirect(to.query.redirect) : true
  }
  if (!auth.isAuthenticated) return { name: 'login', query: { redirect: to.fullPath } }
  // The page's code (and its first data) loads while the user is fetched, not after: on a cold load
  // these would be round trips one after the other.
  preloadComponents(to)
  to.meta.prefetch?.(to)
  try {
    await auth.ensureUser()
  } catch (err) {
    // A 401 has already ended the session; other failures (server down) let the page show its own error.
    if (err instanceof ApiError && err.status === 401) return { name: 'login', query: { redirect: to.fullPath } }
  }
  return true
})
