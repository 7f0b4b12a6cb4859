import { createDnsChecker } from './dns.js'
import { createDomainExpiryChecker, type DomainExpiryOptions } from './domain-expiry.js'
import { createHttpChecker, type HttpCheckerOptions } from './http.js'
import { createMqttChecker } from './mqtt.js'
import { createMysqlChecker } from './mysql.js'
import { createPingChecker, type PingCheckerOptions } from './ping.js'
import { createPostgresChecker } from './postgres.js'
import { createRedisChecker } from './redis.js'
import { createSmtpChecker } from './smtp.js'
import { createTcpChecker } from './tcp.js'
import type { CheckerRegistry } from './types.js'
import { createUdpChecker } from './udp.js'
import { createWebsocketChecker } from './websocket.js'

export type { CheckContext, Checker, CheckerRegistry, NetworkPolicy, ProbeMonitor } from './types.js'

/** `extraCa` is shared by every TLS-speaking kind; the rest is per kind (RDAP/WHOIS servers, ping path). */
export type CheckerOptions = HttpCheckerOptions & DomainExpiryOptions & PingCheckerOptions

/**
 * One checker per kind. Typed as a full `Record` over `CheckKind`: adding a kind in `shared` fails
 * this build until the probe can run it.
 */
export function createCheckers(options: CheckerOptions = {}): CheckerRegistry {
  return {
    http: createHttpChecker(options),
    tcp: createTcpChecker(options),
    udp: createUdpChecker(),
    dns: createDnsChecker(),
    smtp: createSmtpChecker(options),
    ping: createPingChecker(options),
    domain_expiry: createDomainExpiryChecker(options),
    websocket: createWebsocketChecker(options),
    postgres: createPostgresChecker(options),
    mysql: createMysqlChecker(options),
    redis: createRedisChecker(options),
    mqtt: createMqttChecker(options),
  }
}
