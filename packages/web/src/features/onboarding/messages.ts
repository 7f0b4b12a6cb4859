import { useI18n } from 'vue-i18n'

/** Messages of the first-run checklist (local to it; merged over the app's locale). */
export const messages = {
  en: {
    onboarding: {
      title: 'Get started',
      intro: 'A few steps to your first alert. This list ticks itself as you go.',
      progress: '{done} of {total} done',
      done: 'Done',
      todo: 'To do',
      dismiss: 'Dismiss',
      dismissLabel: 'Dismiss the getting-started checklist',
      steps: {
        monitor: { label: 'Create your first monitor', action: 'Open the wizard' },
        channel: { label: 'Add an alert channel', action: 'Add a channel' },
        probe: { label: 'Register a remote probe (optional)', action: 'Go to probes' },
      },
    },
    dashboardEmpty: {
      monitors: 'No monitor yet. Create one in three steps: pick a kind, give its target, choose who is told.',
      create: 'Create your first monitor',
      probes: 'No probe registered. The embedded probe appears here once the server runs it.',
      registerProbe: 'Register a probe',
    },
  },
  fr: {
    onboarding: {
      title: 'Pour commencer',
      intro: 'Quelques étapes jusqu’à votre première alerte. Cette liste se coche d’elle-même.',
      progress: '{done} sur {total} faites',
      done: 'Fait',
      todo: 'À faire',
      dismiss: 'Masquer',
      dismissLabel: 'Masquer la liste pour commencer',
      steps: {
        monitor: { label: 'Créez votre premier moniteur', action: 'Ouvrir l’assistant' },
        channel: { label: 'Ajoutez un canal d’alerte', action: 'Ajouter un canal' },
        probe: { label: 'Enregistrez une sonde distante (facultatif)', action: 'Voir les sondes' },
      },
    },
    dashboardEmpty: {
      monitors: 'Aucun moniteur pour l’instant. Créez-en un en trois étapes : le type, la cible, qui prévenir.',
      create: 'Créer votre premier moniteur',
      probes: 'Aucune sonde enregistrée. La sonde intégrée apparaît ici quand le serveur la fait tourner.',
      registerProbe: 'Enregistrer une sonde',
    },
  },
}

const localI18n = { useScope: 'local' as const, inheritLocale: true, messages: messages as never }

/** `t` over the onboarding messages (also used by the dashboard's empty states), falling back to the app's. */
export function useOnboardingI18n(): { t: (key: string, named?: Record<string, unknown>) => string } {
  const { t } = useI18n(localI18n as never) as unknown as { t: (key: string, named?: object) => string }
  return { t: (key, named) => (named ? t(key, named) : t(key)) }
}
