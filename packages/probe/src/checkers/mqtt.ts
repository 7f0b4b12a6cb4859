import { randomBytes } from 'node:crypto'
import { type IClientOptions, MqttClient } from 'mqtt'
import {
  dialService,
  type ServiceCheckerOptions,
  type ServiceValue,
  type Session,
  serviceChecker,
  timed,
} from './service-common.js'
import { errorMessage, now, PhaseError, round } from './trace.js'
import type { Checker, ProbeMonitor } from './types.js'

/**
 * MQTT: connect (CONNACK round trip = `ttfb_ms`); with a `topic`, subscribe and wait for one message,
 * retained or live, within the deadline: its payload is `[RESULT]`. A clean session that leaves
 * nothing behind on the broker.
 */
export function createMqttChecker(options: ServiceCheckerOptions = {}): Checker<'mqtt'> {
  return serviceChecker('mqtt', options, query)
}

async function query(m: ProbeMonitor<'mqtt'>, session: Session): Promise<ServiceValue> {
  const socket = await dialService(session, { host: m.host, port: m.port, secure: m.tls })
  session.trace.phase = 'request'
  const options: IClientOptions = {
    clientId: `whatisup-${randomBytes(8).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    // One connection per check: the next run is the retry.
    reconnectPeriod: 0,
    connectTimeout: session.timeoutMs,
    resubscribe: false,
  }
  if (m.username !== null) options.username = m.username
  if (m.password !== null) options.password = m.password
  // The socket is already connected to the vetted address; mqtt.js only speaks over it.
  const client = new MqttClient(() => socket, options)
  // Errors after the check ended (deadline, destroyed socket) have nobody left to tell.
  client.on('error', () => {})
  session.trace.scope.onAbort(() => client.end(true))
  await timed(session, 'CONNACK', () => connack(client))
  if (m.topic === null) {
    client.end()
    return undefined
  }
  const payload = await message(client, m.topic, session)
  client.end()
  return payload
}

function connack(client: MqttClient): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve())
    client.once('error', (e) => reject(new PhaseError('response', errorMessage(e))))
    client.once('close', () => reject(new PhaseError('response', 'the broker closed the connection before CONNACK')))
  })
}

function message(client: MqttClient, topic: string, session: Session): Promise<string> {
  session.step = `waiting for a message on "${topic.slice(0, 100)}"`
  session.details.topic = topic
  const started = now()
  return new Promise((resolve, reject) => {
    client.once('message', (received, payload, packet) => {
      Object.assign(session.details, {
        message_topic: received,
        retained: packet.retain,
        payload_bytes: payload.length,
        message_ms: round(now() - started),
      })
      resolve(payload.toString('utf8'))
    })
    client.once('close', () => reject(new PhaseError('response', 'the broker closed the connection')))
    client.subscribe(topic, { qos: 0 }, (e, granted) => {
      if (e) return reject(new PhaseError('response', `subscribe failed: ${errorMessage(e)}`))
      if (granted?.[0]?.qos === 128)
        reject(new PhaseError('response', `the broker refused the subscription to "${topic}"`))
    })
  })
}
