import { useI18n } from 'vue-i18n'

/** Messages of the probes feature (map, registration, tiles); merged over the app's locale. */
export const messages = {
  en: {
    probeMap: {
      label: 'Probe map',
      healthTitle: 'Health',
      health: { online: 'Online', offline: 'Offline', never: 'Never seen', disabled: 'Disabled' },
      lastSeen: 'Last seen {when}',
      neverSeen: 'Never seen',
      noTiles: 'No map tiles are configured; probes are listed instead.',
      tilesFailed: 'The map tiles could not be loaded; probes are listed instead.',
      noCoordinates: '{n} probe(s) without coordinates are not on the map.',
      empty: 'No probe yet.',
    },
    probesForm: {
      latitude: 'Latitude',
      longitude: 'Longitude',
      coordinatesHelp: 'Decimal degrees, e.g. 48.8566 and 2.3522. They place the probe on the map.',
      find: 'Find coordinates',
      finding: 'Searching…',
      results: 'Places found',
      noResults: 'No place found for “{q}”.',
      use: 'Use',
      geocodeFailed: 'Could not look up the coordinates: {message}',
      bothOrNeither: 'Give both latitude and longitude, or neither.',
      registered: 'Probe “{name}” registered.',
      key: 'API key (shown once)',
      keyOnce: 'Copy this key now: it is not stored and cannot be shown again. Rotating the key issues a new one.',
      runNpx: 'Run the agent (Node.js 20+):',
      runCheckout: 'Or from a checkout of this repository:',
      internalNote: 'An internal probe may check private addresses of its own network.',
      copy: 'Copy',
      copied: 'Copied',
      done: 'Done',
    },
    tiles: {
      title: 'Map tiles',
      url: 'Tile URL',
      urlHelp:
        "A slippy-map template such as https://tile.openstreetmap.org/{'{z}'}/{'{x}'}/{'{y}'}.png. Empty: probes are listed without a map.",
      attribution: 'Attribution',
      attributionHelp: 'Shown on the map, as the tile provider requires (plain text).',
      save: 'Save',
      saved: 'Saved.',
    },
    probesEmpty: {
      title: 'No probe yet',
      admin:
        'The server runs an embedded probe when EMBEDDED_PROBE is on. Register a remote probe to check from other places or networks.',
      user: 'Probes are managed by your administrator.',
      action: 'Register a probe',
    },
  },
  fr: {
    probeMap: {
      label: 'Carte des sondes',
      healthTitle: 'État',
      health: { online: 'En ligne', offline: 'Hors ligne', never: 'Jamais vue', disabled: 'Désactivée' },
      lastSeen: 'Vue {when}',
      neverSeen: 'Jamais vue',
      noTiles: 'Aucune tuile de carte n’est configurée ; les sondes sont listées.',
      tilesFailed: 'Les tuiles de la carte n’ont pas pu être chargées ; les sondes sont listées.',
      noCoordinates: '{n} sonde(s) sans coordonnées ne sont pas sur la carte.',
      empty: 'Aucune sonde pour l’instant.',
    },
    probesForm: {
      latitude: 'Latitude',
      longitude: 'Longitude',
      coordinatesHelp: 'Degrés décimaux, par ex. 48.8566 et 2.3522. Ils placent la sonde sur la carte.',
      find: 'Trouver les coordonnées',
      finding: 'Recherche…',
      results: 'Lieux trouvés',
      noResults: 'Aucun lieu trouvé pour « {q} ».',
      use: 'Utiliser',
      geocodeFailed: 'Impossible de trouver les coordonnées : {message}',
      bothOrNeither: 'Indiquez la latitude et la longitude, ou aucune des deux.',
      registered: 'Sonde « {name} » enregistrée.',
      key: 'Clé d’API (affichée une seule fois)',
      keyOnce:
        'Copiez cette clé maintenant : elle n’est pas conservée et ne pourra plus être affichée. Une rotation en émet une nouvelle.',
      runNpx: 'Lancez l’agent (Node.js 20+) :',
      runCheckout: 'Ou depuis une copie de ce dépôt :',
      internalNote: 'Une sonde interne peut vérifier les adresses privées de son propre réseau.',
      copy: 'Copier',
      copied: 'Copié',
      done: 'Terminé',
    },
    tiles: {
      title: 'Tuiles de la carte',
      url: 'URL des tuiles',
      urlHelp:
        "Un modèle de tuiles comme https://tile.openstreetmap.org/{'{z}'}/{'{x}'}/{'{y}'}.png. Vide : les sondes sont listées sans carte.",
      attribution: 'Attribution',
      attributionHelp: 'Affichée sur la carte, comme l’exige le fournisseur de tuiles (texte brut).',
      save: 'Enregistrer',
      saved: 'Enregistré.',
    },
    probesEmpty: {
      title: 'Aucune sonde',
      admin:
        'Le serveur fait tourner une sonde intégrée quand EMBEDDED_PROBE est actif. Enregistrez une sonde distante pour vérifier depuis d’autres lieux ou réseaux.',
      user: 'Les sondes sont gérées par votre administrateur.',
      action: 'Enregistrer une sonde',
    },
  },
}

const localI18n = { useScope: 'local' as const, inheritLocale: true, messages: messages as never }

/** `t` over the probes feature's messages, falling back to the app's. */
export function useProbesI18n(): { t: (key: string, named?: Record<string, unknown>) => string } {
  const { t } = useI18n(localI18n as never) as unknown as { t: (key: string, named?: object) => string }
  return { t: (key, named) => (named ? t(key, named) : t(key)) }
}
