import { connectAsync, type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTestCerts, type TestCerts } from '../../test/helpers/certs.js'
import {
  checkWith,
  itFailsLikeEveryServiceCheck,
  type Spawned,
  spawnMosquitto,
  uniqueName,
} from '../../test/helpers/services.js'
import { createMqttChecker } from './mqtt.js'

const check = checkWith(createMqttChecker(), 'mqtt')
const retained = `wiu/test/${uniqueName()}/status`
const live = `wiu/test/${uniqueName()}/events`
let publisher: MqttClient

beforeAll(async () => {
  publisher = await connectAsync('mqtt://127.0.0.1:1883', { reconnectPeriod: 0 })
  await publisher.publishAsync(retained, 'online', { retain: true, qos: 1 })
})
afterAll(async () => {
  // An empty retained message deletes the retained one.
  await publisher.publishAsync(retained, '', { retain: true, qos: 1 })
  await publisher.endAsync()
})

describe('mqtt checker', () => {
  it('connects and times the CONNACK', async () => {
    const r = await check({})
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1' })
    expect(r.timings).toEqual({ connect_ms: expect.any(Number), ttfb_ms: expect.any(Number) })
  })

  it('reads the retained message of the topic and compares it with expected_value', async () => {
    const r = await check({ topic: retained, expected_value: 'online' })
    expect(r).toMatchObject({ status: 'up', details: { result: 'online', retained: true, topic: retained } })
    expect(r.conditions).toEqual([
      { condition: '[RESULT] == "online"', success: true, actual: 'online', severity: 'down' },
    ])
  })

  it('is down with the actual payload when it does not match', async () => {
    const r = await check({ topic: retained, expected_value: 'offline' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.conditions).toEqual([
      { condition: '[RESULT] == "offline"', success: false, actual: 'online', severity: 'down' },
    ])
  })

  it('waits for a live message when nothing is retained', async () => {
    const pending = check({ topic: live }, { conditions: ['[RESULT] == contains(tick)'] })
    // Published until the check answers: it only hears messages sent after it subscribed.
    const timer = setInterval(() => void publisher.publishAsync(live, 'tick 1').catch(() => {}), 50)
    const r = await pending.finally(() => clearInterval(timer))
    expect(r).toMatchObject({ status: 'up', details: { result: 'tick 1', retained: false } })
    expect(r.conditions).toEqual([expect.objectContaining({ success: true })])
  })

  it('times out naming the topic when no message comes', async () => {
    const r = await check({ topic: `${live}/silent` }, { timeout_seconds: 1 })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' }, details: { topic: `${live}/silent` } })
    expect(r.failure?.message).toBe(
      `no complete answer within 1s (stalled in waiting for a message on "${live}/silent")`,
    )
  })

  itFailsLikeEveryServiceCheck(check, 'CONNACK')
})

describe('mqtt checker with credentials and TLS', () => {
  let certs: TestCerts
  let broker: Spawned
  beforeAll(async () => {
    certs = await makeTestCerts()
    broker = await spawnMosquitto('monitor', 's3cret', certs.valid)
  }, 30_000)
  afterAll(async () => {
    await broker?.stop()
    await certs?.cleanup()
  })

  it('logs in; a wrong password is down with the broker answer', async () => {
    expect((await check({ port: broker.port, username: 'monitor', password: 's3cret' })).status).toBe('up')
    const r = await check({ port: broker.port, username: 'monitor', password: 'wrong' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toMatch(/^Connection refused: (Not authorized|Bad username or password)/)
  })

  it('connects over TLS verified against the trusted CA, with the handshake timed', async () => {
    const trusting = checkWith(createMqttChecker({ extraCa: [certs.ca] }), 'mqtt')
    const r = await trusting({ port: broker.tlsPort, tls: true, username: 'monitor', password: 's3cret' })
    expect(r).toMatchObject({ status: 'up', tls: { authorized: true } })
    expect(r.timings).toEqual({
      connect_ms: expect.any(Number),
      tls_ms: expect.any(Number),
      ttfb_ms: expect.any(Number),
    })
  })

  it('refuses an untrusted certificate before sending the credentials', async () => {
    const r = await check({ port: broker.tlsPort, tls: true, username: 'monitor', password: 's3cret' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' }, tls: { authorized: false } })
  })
})
