import { describe, expect, it } from 'vitest'
import { loadProbeConfig } from './config.js'

const required = { CENTRAL_API_URL: 'https://up.example.com', PROBE_API_KEY: 'wiu_secret' }

describe('loadProbeConfig', () => {
  it('applies defaults', () => {
    expect(loadProbeConfig(required)).toEqual({
      centralApiUrl: 'https://up.example.com',
      probeApiKey: 'wiu_secret',
      dataDir: './probe-data',
      maxConcurrentChecks: 200,
      maxConcurrentScenarios: 2,
      heartbeatIntervalMs: 30_000,
      resultFlushMs: 1000,
      bufferMaxBytes: 100 * 1024 * 1024,
      logLevel: 'info',
      allowNetworks: [],
    })
  })

  it('reads every variable, treating empty ones as unset', () => {
    const config = loadProbeConfig({
      ...required,
      PROBE_DATA_DIR: '/var/lib/probe',
      MAX_CONCURRENT_CHECKS: '50',
      HEARTBEAT_INTERVAL: '15',
      RESULT_FLUSH_MS: '',
      BUFFER_MAX_MB: '2.5',
      LOG_LEVEL: 'DEBUG',
      MAX_CONCURRENT_SCENARIOS: '4',
      PROBE_ALLOW_NETWORKS: ' 10.0.0.0/8, FD00::/8,192.168.1.20 ',
    })
    expect(config).toMatchObject({
      dataDir: '/var/lib/probe',
      maxConcurrentChecks: 50,
      maxConcurrentScenarios: 4,
      allowNetworks: ['10.0.0.0/8', 'fd00::/8', '192.168.1.20/32'],
      heartbeatIntervalMs: 15_000,
      resultFlushMs: 1000,
    })
    expect(config.bufferMaxBytes).toBe(2.5 * 1024 * 1024)
    expect(config.logLevel).toBe('debug')
    expect(Object.isFrozen(config)).toBe(true)
  })

  it('lists every problem at once and never echoes the key', () => {
    const attempt = () =>
      loadProbeConfig({ CENTRAL_API_URL: 'ftp://x', PROBE_API_KEY: 'sk_leaky', MAX_CONCURRENT_CHECKS: '0' })
    expect(attempt).toThrow(/CENTRAL_API_URL: expected an http\(s\):\/\/ URL/)
    expect(attempt).toThrow(/PROBE_API_KEY: must start with "wiu_"/)
    expect(attempt).toThrow(/MAX_CONCURRENT_CHECKS/)
    expect(attempt).not.toThrow(/sk_leaky/)
    expect(() => loadProbeConfig({})).toThrow(/CENTRAL_API_URL: is required[\s\S]*PROBE_API_KEY: is required/)
  })

  it('refuses a malformed allow-list entry, naming it', () => {
    for (const bad of ['10.0.0.0/33', 'intranet.local', '10.0.0.0/', '::1/129', '10.0.0.0/8/1']) {
      expect(() => loadProbeConfig({ ...required, PROBE_ALLOW_NETWORKS: bad }), bad).toThrow(
        new RegExp(`PROBE_ALLOW_NETWORKS: "${bad.replace(/[./]/g, '\\$&')}" is not`),
      )
    }
  })
})
