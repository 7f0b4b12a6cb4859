import { describe, expect, it } from 'vitest'
import { planFor } from './target.js'

describe('planFor: what a probe is asked to capture, per monitor kind', () => {
  it.each([
    [
      'http',
      'https://user:pw@shop.example/health?x=1',
      {},
      {
        target: { host: 'shop.example', port: 443, url: 'https://shop.example/health?x=1' },
        kinds: ['traceroute', 'dns', 'ping', 'tls', 'http'],
      },
    ],
    [
      'http',
      'http://[2001:db8::1]:8080/',
      {},
      {
        target: { host: '2001:db8::1', port: 8080, url: 'http://[2001:db8::1]:8080/' },
        kinds: ['traceroute', 'dns', 'ping', 'http'],
      },
    ],
    [
      'websocket',
      'wss://ws.example/live',
      {},
      {
        target: { host: 'ws.example', port: 443, url: 'wss://ws.example/live' },
        kinds: ['traceroute', 'dns', 'ping', 'tls'],
      },
    ],
    [
      'tcp',
      'tcp://db:5432',
      { host: 'db', port: 5432 },
      { target: { host: 'db', port: 5432 }, kinds: ['traceroute', 'dns', 'ping'] },
    ],
    [
      'tcp',
      'tcp://db:5433',
      { host: 'db', port: 5433, tls: true },
      { target: { host: 'db', port: 5433 }, kinds: ['traceroute', 'dns', 'ping', 'tls'] },
    ],
    [
      'smtp',
      'smtp://mx:465',
      { host: 'mx', port: 465, implicit_tls: true },
      { target: { host: 'mx', port: 465 }, kinds: ['traceroute', 'dns', 'ping', 'tls'] },
    ],
    ['ping', 'ping://gw', { host: 'gw' }, { target: { host: 'gw' }, kinds: ['traceroute', 'dns', 'ping'] }],
    [
      'dns',
      'dns://example.org/A',
      { hostname: 'example.org', resolvers: ['9.9.9.9', '[2620:fe::fe]:53'] },
      { target: { host: 'example.org', resolvers: ['9.9.9.9', '[2620:fe::fe]:53'] }, kinds: ['dns'] },
    ],
    [
      'dns',
      'dns://example.org/A',
      { hostname: 'example.org', resolvers: [] },
      { target: { host: 'example.org' }, kinds: ['dns'] },
    ],
    [
      'domain_expiry',
      'domain://example.org',
      { domain: 'example.org' },
      { target: { host: 'example.org' }, kinds: ['dns'] },
    ],
    ['heartbeat', 'heartbeat', {}, null],
    ['composite', 'composite', {}, null],
    ['http', 'not a url', {}, null],
  ])('%s %s', (kind, url, config, plan) => {
    expect(planFor(kind, url, config)).toEqual(plan)
  })
})
