import { useI18n } from 'vue-i18n'

/** Messages of the analytics components (local to them; merged over the app's locale). */
export const messages = {
  en: {
    uptime: {
      title: 'Uptime',
      internal: 'Internal',
      external: 'External',
      noData: 'No data yet',
      downtime: '{n} min down',
    },
    bars: { title: 'Last {n} days', noData: 'No data', day: '{date}: {pct}' },
    slo: {
      title: 'SLO',
      none: 'No SLO set for this monitor.',
      target: 'Target (%)',
      window: 'Window (days)',
      save: 'Save SLO',
      remove: 'Remove',
      budget: 'Error budget',
      remaining: '{left} of {total} min left',
      burn: 'Burn rate',
      fast: 'Fast burn: the budget goes in hours',
      slow: 'Slow burn: the budget goes in days',
      status: { healthy: 'Healthy', at_risk: 'At risk', critical: 'Critical', exhausted: 'Exhausted' },
    },
    report: {
      title: 'SLA report',
      from: 'From',
      to: 'To',
      csv: 'Download CSV',
      html: 'Printable report',
      failed: 'The report could not be produced.',
    },
    annotations: {
      title: 'Annotations',
      add: 'Add',
      placeholder: 'Deployed v2.3, DNS change…',
      empty: 'No annotation yet.',
      delete: 'Delete',
    },
    percentiles: { title: 'Response time percentiles (24 h)', empty: 'No data yet' },
    metrics: {
      title: 'Custom metrics',
      empty: 'No metric pushed yet.',
      name: 'Metric',
      last: 'Last',
      avg: 'Avg',
      range: 'Min – max',
    },
    storage: { dismiss: 'Dismiss' },
  },
  fr: {
    uptime: {
      title: 'Disponibilité',
      internal: 'Interne',
      external: 'Externe',
      noData: 'Pas encore de données',
      downtime: '{n} min d’arrêt',
    },
    bars: { title: '{n} derniers jours', noData: 'Pas de données', day: '{date} : {pct}' },
    slo: {
      title: 'SLO',
      none: 'Aucun SLO pour ce moniteur.',
      target: 'Objectif (%)',
      window: 'Fenêtre (jours)',
      save: 'Enregistrer',
      remove: 'Supprimer',
      budget: 'Budget d’erreur',
      remaining: '{left} sur {total} min restantes',
      burn: 'Vitesse de consommation',
      fast: 'Consommation rapide : le budget part en quelques heures',
      slow: 'Consommation lente : le budget part en quelques jours',
      status: { healthy: 'Sain', at_risk: 'À surveiller', critical: 'Critique', exhausted: 'Épuisé' },
    },
    report: {
      title: 'Rapport SLA',
      from: 'Du',
      to: 'Au',
      csv: 'Télécharger le CSV',
      html: 'Rapport imprimable',
      failed: 'Le rapport n’a pas pu être produit.',
    },
    annotations: {
      title: 'Annotations',
      add: 'Ajouter',
      placeholder: 'Déploiement v2.3, changement DNS…',
      empty: 'Aucune annotation.',
      delete: 'Supprimer',
    },
    percentiles: { title: 'Percentiles du temps de réponse (24 h)', empty: 'Pas encore de données' },
    metrics: {
      title: 'Métriques personnalisées',
      empty: 'Aucune métrique reçue.',
      name: 'Métrique',
      last: 'Dernière',
      avg: 'Moy.',
      range: 'Min – max',
    },
    storage: { dismiss: 'Masquer' },
  },
} as const

/** Options for `useI18n`: component-local messages, following the app's locale. */
export const localI18n = { useScope: 'local' as const, inheritLocale: true, messages: messages as never }

/** `t` bound to these messages, with a plain signature (keeps component type checking shallow). */
export function useAnalyticsI18n(): { t: (key: string, named?: Record<string, unknown>) => string } {
  // The message schema stays untyped here: vue-i18n's generics on it are too deep to check.
  const { t } = useI18n(localI18n as never) as unknown as { t: (key: string, named?: object) => string }
  return { t: (key, named) => (named ? t(key, named) : t(key)) }
}
