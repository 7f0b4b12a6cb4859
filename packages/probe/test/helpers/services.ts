import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { type CheckResult, kindSettingsSchema, type ProbeMonitorConfig, systemClock } from '@whatisup/shared'
import { expect, it } from 'vitest'
import { encode, parseReply, type Reply } from '../../src/checkers/redis.js'
import type { ServiceKind } from '../../src/checkers/service-common.js'
import type { Checker, NetworkPolicy, ProbeMonitor } from '../../src/checkers/types.js'
import type { KeyPair } from './certs.js'
import { closedPort } from './servers.js'

const run = promisify(execFile)
export const allowPrivate: NetworkPolicy = { allowPrivate: true }
export const externalProbe: NetworkPolicy = { allowPrivate: false }

/** A random name for data a test creates: tests never share or pre-seed anything. */
export const uniqueName = (prefix = 'wiu'): string => `${prefix}_${randomBytes(6).toString('hex')}`

/** Runs one check of an assigned service monitor (every default applied, as the server sends it). */
export function checkWith<K extends ServiceKind>(checker: Checker<K>, kind: K) {
  return (
    settings: Record<string, unknown>,
    common: Partial<ProbeMonitorConfig> = {},
    policy: NetworkPolicy = allowPrivate,
  ): Promise<CheckResult> => {
    const monitor = {
      id: 'm1',
      check_type: kind,
      interval_seconds: 60,
      timeout_seconds: 5,
      conditions: [],
      ...kindSettingsSchema(kind).parse({ host: '127.0.0.1', ...settings }),
      // Last, so a test can also assign what the settings schema would refuse.
      ...common,
    } as unknown as ProbeMonitor<K>
    return checker.run({ monitor, checkedAt: 1_700_000_000_000, policy, clock: systemClock })
  }
}

type ServiceCheck = ReturnType<typeof checkWith>

/**
 * The failure cases every service checker shares, as `it` blocks for the caller's `describe`: a
 * closed port is a connect failure; a server that accepts and never answers is a timeout at the
 * deadline naming the stalled step (`stalledIn`), with the connection closed; an external probe
 * refuses the private address before connecting.
 */
export function itFailsLikeEveryServiceCheck(check: ServiceCheck, stalledIn: string): void {
  it('reports a closed port as a connect failure', async () => {
    const r = await check({ port: await closedPort() })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'connect' } })
    expect(r.failure?.message).toContain('ECONNREFUSED')
  })

  it(`gives up at the deadline on a server that never answers (stalled in ${stalledIn}), and closes the connection`, async () => {
    const mute = await startMute()
    try {
      const r = await check({ port: mute.port }, { timeout_seconds: 1 })
      expect(r).toMatchObject({ status: 'down', failure: { phase: 'timeout' } })
      expect(r.failure?.message).toBe(`no complete answer within 1s (stalled in ${stalledIn})`)
      expect(r.latency_ms).toBeGreaterThanOrEqual(990)
      expect(r.latency_ms).toBeLessThan(1500)
      await expect.poll(() => mute.open()).toBe(0)
    } finally {
      await mute.close()
    }
  })

  it('refuses private addresses on an external probe', async () => {
    const r = await check({}, {}, externalProbe)
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'ssrf' } })
    expect(r.remote_address).toBeUndefined()
  })
}

/** Accepts connections and never says a word; tells how many are still open (the check must close its own). */
export async function startMute(): Promise<{ port: number; open(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server = createServer((s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
    s.on('error', () => {})
    // Reads and drops what arrives: an unread request would hide the client's FIN from 'close'.
    s.resume()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  const close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return { port: address.port, open: () => sockets.size, close }
}

/** One command to a Redis server, for test setup and cleanup. */
export function redisCommand(args: string[], port = 6379): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let buffered: Buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      const parsed = parseReply(buffered, 0)
      if (!parsed) return
      socket.end()
      resolve(parsed.reply)
    })
    socket.on('error', reject)
    socket.write(encode(args))
  })
}

/** Polls until something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const started = Date.now()
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => resolve(true))
      s.once('error', () => resolve(false))
    }).catch(() => false)
    if (ok) return
    if (Date.now() - started > timeoutMs) throw new Error(`nothing listens on ${port}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export interface Spawned {
  port: number
  /** TLS listener, when one was asked for. */
  tlsPort: number
  stop(): Promise<void>
}

async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

function stopChild(child: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
}

/** A private Mosquitto that requires a password, with a TLS listener on a second port. */
export async function spawnMosquitto(user: string, password: string, pair: KeyPair): Promise<Spawned> {
  const dir = await tempDir('wiu-mqtt-')
  const [port, tlsPort] = [await closedPort(), await closedPort()]
  await writeFile(join(dir, 'key.pem'), pair.key)
  await writeFile(join(dir, 'cert.pem'), pair.cert)
  await run('mosquitto_passwd', ['-c', '-b', join(dir, 'passwd'), user, password])
  const config = [
    'user root',
    'persistence false',
    'allow_anonymous false',
    `password_file ${join(dir, 'passwd')}`,
    `listener ${port} 127.0.0.1`,
    `listener ${tlsPort} 127.0.0.1`,
    `certfile ${join(dir, 'cert.pem')}`,
    `keyfile ${join(dir, 'key.pem')}`,
  ]
  await writeFile(join(dir, 'mosquitto.conf'), `${config.join('\n')}\n`)
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' })
  await Promise.all([waitForPort(port), waitForPort(tlsPort)])
  return { port, tlsPort, stop: stopChild(child, dir) }
}

/** A private Redis that only speaks TLS. */
export async function spawnRedisTls(pair: KeyPair): Promise<Spawned> {
  const dir = await tempDir('wiu-redis-')
  const tlsPort = await closedPort()
  await writeFile(join(dir, 'key.pem'), pair.key)
  await writeFile(join(dir, 'cert.pem'), pair.cert)
  const args = ['--port', '0', '--tls-port', String(tlsPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
  args.push(
    '--tls-cert-file',
    join(dir, 'cert.pem'),
    '--tls-key-file',
    join(dir, 'key.pem'),
    '--tls-auth-clients',
    'no',
  )
  args.push('--dir', dir, '--logfile', join(dir, 'redis.log'))
  const child = spawn('redis-server', args, { stdio: 'ignore' })
  await waitForPort(tlsPort)
  return { port: 0, tlsPort, stop: stopChild(child, dir) }
}

/**
 * A private PostgreSQL cluster with password (SCRAM) authentication and TLS: the machine's own
 * server trusts every local connection, so it can test neither. Takes a few seconds (initdb).
 */
export async function spawnPostgres(password: string, pair: KeyPair): Promise<Spawned> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a))
  const bin = `/usr/lib/postgresql/${versions[0]}/bin`
  const dir = await tempDir('wiu-pg-')
  const port = await closedPort()
  // The server refuses to run as root and wants its key private to its own user.
  const asRoot = process.getuid?.() === 0
  const uid = asRoot ? Number((await run('id', ['-u', 'postgres'])).stdout.trim()) : undefined
  const pg = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', `${bin}/${cmd}`, ...args]) : run(`${bin}/${cmd}`, args)
  await writeFile(join(dir, 'pw'), password)
  await writeFile(join(dir, 'key.pem'), pair.key)
  await writeFile(join(dir, 'cert.pem'), pair.cert)
  await chmod(join(dir, 'key.pem'), 0o600)
  if (uid !== undefined) for (const f of ['', 'pw', 'key.pem', 'cert.pem']) await chown(join(dir, f), uid, -1)
  const data = join(dir, 'data')
  await pg('initdb', ['-D', data, '-A', 'scram-sha-256', `--pwfile=${join(dir, 'pw')}`, '-U', 'postgres', '--no-sync'])
  const settings = [`-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on`]
  settings.push(`-c ssl_cert_file=${join(dir, 'cert.pem')} -c ssl_key_file=${join(dir, 'key.pem')}`)
  await pg('pg_ctl', ['-D', data, '-o', settings.join(' '), '-w', '-l', join(dir, 'log'), 'start'])
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
    await rm(dir, { recursive: true, force: true })
  }
  return { port, tlsPort: port, stop }
}
