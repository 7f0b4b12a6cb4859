/**
 * Analytics components for the monitor detail page and the layout (issue 7). Each takes a
 * `monitorId` and loads its own data from the analytics API, all of it served from rollups.
 */
export * from './api'
export { default as AnnotationsPanel } from './components/AnnotationsPanel.vue'
export { default as CustomMetricsTable } from './components/CustomMetricsTable.vue'
export { default as LatencyPercentiles } from './components/LatencyPercentiles.vue'
export { default as SlaReportPanel } from './components/SlaReportPanel.vue'
export { default as SloCard } from './components/SloCard.vue'
export { default as StorageNotice } from './components/StorageNotice.vue'
export { default as UptimeBars } from './components/UptimeBars.vue'
export { default as UptimeSummary } from './components/UptimeSummary.vue'
