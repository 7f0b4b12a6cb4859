import { useI18n } from 'vue-i18n'
import type { MaintenanceSchedule } from '../../../api/maintenance'
import { useFormat } from '../../../ui/format'
import { crossesMidnight, weekdayNames } from '../schedule'

/** A schedule in words: "Every Mon, Wed, 22:00 → 02:00 the next day (Europe/Paris)". */
export function useScheduleText() {
  const { t, locale } = useI18n()
  const fmt = useFormat()

  function days(list: readonly number[]): string {
    if (list.length === 7) return t('maintenance.schedule.everyDay')
    const names = weekdayNames(locale.value)
    const format = new Intl.ListFormat(locale.value, { style: 'narrow', type: 'conjunction' })
    return format.format([...list].sort((a, b) => a - b).map((d) => names[d] ?? String(d)))
  }

  return (s: MaintenanceSchedule): string => {
    switch (s.kind) {
      case 'once':
        return t('maintenance.schedule.once', { start: fmt.dateTime(s.starts_at), end: fmt.dateTime(s.ends_at) })
      case 'weekly': {
        const key = crossesMidnight(s.start, s.end) ? 'weeklyOvernight' : 'weekly'
        return t(`maintenance.schedule.${key}`, { days: days(s.days), start: s.start, end: s.end, zone: s.timezone })
      }
      case 'cron':
        return t('maintenance.schedule.cron', {
          cron: s.cron,
          duration: fmt.duration(s.duration_minutes * 60),
          zone: s.timezone,
        })
      default:
        return JSON.stringify(s)
    }
  }
}
