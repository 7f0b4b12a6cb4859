import type { RouteRecordRaw } from 'vue-router'

/**
 * The groups and tags pages; the router spreads these before its catch-all route. Only routes are
 * exported here: the router is in the entry chunk, everything else loads with the pages.
 */
export const groupsRoutes: RouteRecordRaw[] = [
  {
    path: '/groups',
    name: 'groups',
    component: () => import('./pages/GroupsPage.vue'),
    meta: { title: 'groups' },
  },
  {
    path: '/groups/:id',
    name: 'group',
    component: () => import('./pages/GroupPage.vue'),
    props: true,
    meta: { title: 'group' },
  },
]
