import { useI18n } from 'vue-i18n'

/** Messages of the diagnostics panel (local to it; merged over the app's locale). */
export const messages = {
  en: {
    title: 'Diagnostics',
    intro: 'Captured by the affected probes toward {target} when the incident opened.',
    none: 'No diagnostics were requested for this incident.',
    loadError: 'Diagnostics could not be loaded: {message}',
    state: {
      pending: 'Waiting for the probe (until {time})',
      complete: 'Collected {time}',
      expired: 'Expired: the probe did not answer within an hour',
    },
    kind: { traceroute: 'Traceroute', dns: 'DNS', ping: 'Ping', tls: 'TLS', http: 'HTTP' },
    notCollected: 'Not collected',
    raw: 'Raw output',
    took: '{ms} ms',
    error: {
      timeout: 'Stopped after 10 s',
      blocked_by_ssrf_guard: 'Refused: private address, and this probe is external',
      binary_missing: '{tool} is not installed on this probe',
    },
    traceroute: {
      hop: 'Hop',
      address: 'Address',
      rtt: 'RTT',
      noReply: 'no reply',
      reached: 'Target reached',
      notReached: 'Target not reached',
    },
    dns: { resolver: 'Resolver', system: 'System resolver', records: 'Records', time: 'Time', noRecords: 'no records' },
    ping: {
      summary: '{received} of {transmitted} replies ({loss}% loss)',
      rtt: 'RTT min/avg/max: {min} / {avg} / {max} ms',
    },
    tls: {
      verified: 'Chain verified',
      notVerified: 'Not verified: {error}',
      subject: 'Subject',
      issuer: 'Issuer',
      validTo: 'Valid until',
    },
    http: {
      timings: 'DNS {dns} · connect {connect} · TLS {tls} · first byte {ttfb} ms',
      truncated: 'More headers were sent than shown.',
    },
  },
  fr: {
    title: 'Diagnostics',
    intro: 'Capturés par les sondes concernées vers {target} à l’ouverture de l’incident.',
    none: 'Aucun diagnostic n’a été demandé pour cet incident.',
    loadError: 'Les diagnostics n’ont pas pu être chargés : {message}',
    state: {
      pending: 'En attente de la sonde (jusqu’à {time})',
      complete: 'Collectés {time}',
      expired: 'Expiré : la sonde n’a pas répondu dans l’heure',
    },
    kind: { traceroute: 'Traceroute', dns: 'DNS', ping: 'Ping', tls: 'TLS', http: 'HTTP' },
    notCollected: 'Non collecté',
    raw: 'Sortie brute',
    took: '{ms} ms',
    error: {
      timeout: 'Arrêté après 10 s',
      blocked_by_ssrf_guard: 'Refusé : adresse privée, et cette sonde est externe',
      binary_missing: '{tool} n’est pas installé sur cette sonde',
    },
    traceroute: {
      hop: 'Saut',
      address: 'Adresse',
      rtt: 'RTT',
      noReply: 'pas de réponse',
      reached: 'Cible atteinte',
      notReached: 'Cible non atteinte',
    },
    dns: {
      resolver: 'Résolveur',
      system: 'Résolveur système',
      records: 'Enregistrements',
      time: 'Durée',
      noRecords: 'aucun enregistrement',
    },
    ping: {
      summary: '{received} réponses sur {transmitted} ({loss} % de perte)',
      rtt: 'RTT min/moy/max : {min} / {avg} / {max} ms',
    },
    tls: {
      verified: 'Chaîne vérifiée',
      notVerified: 'Non vérifiée : {error}',
      subject: 'Sujet',
      issuer: 'Émetteur',
      validTo: 'Valide jusqu’au',
    },
    http: {
      timings: 'DNS {dns} · connexion {connect} · TLS {tls} · premier octet {ttfb} ms',
      truncated: 'D’autres en-têtes ont été envoyés.',
    },
  },
}

/** Options for `useI18n`: component-local messages, following the app's locale. */
const localI18n = { useScope: 'local' as const, inheritLocale: true, messages: messages as never }

/** `t` over the diagnostics messages. */
export function useDiagnosticsI18n(): { t: (key: string, named?: Record<string, unknown>) => string } {
  // The message schema stays untyped here: vue-i18n's generics on it are too deep to check.
  const { t } = useI18n(localI18n as never) as unknown as { t: (key: string, named?: object) => string }
  return { t: (key, named) => (named ? t(key, named) : t(key)) }
}
