import { useI18n } from 'vue-i18n'

/** Messages of the browser-notifications button (local to it; merged over the app's locale). */
export const messages = {
  en: {
    title: 'Browser notifications',
    help: 'Alerts sent to a “Browser notifications” channel appear on this device, even when WhatIsUp is not open.',
    enable: 'Enable browser notifications on this device',
    disable: 'Turn off on this device',
    enabled: 'This device receives browser notifications.',
    unsupported: 'This browser cannot receive push notifications.',
    denied: 'Notifications are blocked for this site: allow them in the browser’s site settings.',
    failed: 'Could not enable notifications: {message}',
  },
  fr: {
    title: 'Notifications du navigateur',
    help: 'Les alertes envoyées à un canal « Notifications du navigateur » s’affichent sur cet appareil, même WhatIsUp fermé.',
    enable: 'Activer les notifications du navigateur sur cet appareil',
    disable: 'Désactiver sur cet appareil',
    enabled: 'Cet appareil reçoit les notifications du navigateur.',
    unsupported: 'Ce navigateur ne peut pas recevoir de notifications push.',
    denied: 'Les notifications sont bloquées pour ce site : autorisez-les dans les réglages du site du navigateur.',
    failed: 'Impossible d’activer les notifications : {message}',
  },
} as const

/** `t` bound to these messages, following the app's locale. */
export function usePushI18n(): { t: (key: string, named?: Record<string, unknown>) => string } {
  const { t } = useI18n({
    useScope: 'local',
    inheritLocale: true,
    messages: messages as never,
  } as never) as unknown as {
    t: (key: string, named?: object) => string
  }
  return { t: (key, named) => (named ? t(key, named) : t(key)) }
}
