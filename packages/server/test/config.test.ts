import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { ensureAdmin, ensureSecretKeyFile } from '../src/bootstrap.js'
import { ConfigError, loadConfig } from '../src/config/config.js'
import { createDeps } from '../src/core/create-deps.js'
import { sqliteHandle } from '../src/storage/db.js'
import { createTestContext } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'wiu-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('config', () => {
  it('refuses to start in production without a real SECRET_KEY', () => {
    expect(() => loadConfig({ ENVIRONMENT: 'production' }, ensureSecretKeyFile)).toThrow(ConfigError)
    expect(() =>
      loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: 'CHANGE_ME_IN_PRODUCTION' }, ensureSecretKeyFile),
    ).toThrow(/SECRET_KEY/)
    expect(loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: 'a'.repeat(64) }).SECRET_KEY).toBe('a'.repeat(64))
  })

  it('generates a SECRET_KEY into the data dir in embedded mode, once, mode 0600', () => {
    const a = loadConfig({ DATA_DIR: dir }, ensureSecretKeyFile)
    const b = loadConfig({ DATA_DIR: dir }, ensureSecretKeyFile)
    expect(a.SECRET_KEY).toHaveLength(64)
    expect(b.SECRET_KEY).toBe(a.SECRET_KEY)
    expect(statSync(join(dir, 'SECRET_KEY')).mode & 0o777).toBe(0o600)
  })

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', SECRET_KEY: 'a'.repeat(40) })).toThrow(/PORT/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x', SECRET_KEY: 'a'.repeat(40) })).toThrow(/DATABASE_URL/)
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', SECRET_KEY: 'a'.repeat(40) }).dialect).toBe('postgres')
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: 'off', SECRET_KEY: 'a'.repeat(40) })).toThrow(/SQLITE_SYNCHRONOUS/)
  })

  it('opens SQLite syncing at checkpoints by default, at every commit with SQLITE_SYNCHRONOUS=full', async () => {
    const level = async (env: Record<string, string>) => {
      const config = loadConfig({ DATA_DIR: dir, SECRET_KEY: 'a'.repeat(40), LOG_LEVEL: 'silent', ...env })
      const deps = await createDeps(config, {
        log: pino({ level: 'silent' }),
        databaseUrl: join(dir, `sync-${Object.keys(env).length}.db`),
      })
      try {
        return sqliteHandle(deps.database.db)?.pragma('synchronous', { simple: true })
      } finally {
        await deps.database.close()
      }
    }
    // SQLite's numbers: 1 = NORMAL, 2 = FULL.
    expect(await level({})).toBe(1)
    expect(await level({ SQLITE_SYNCHRONOUS: 'full' })).toBe(2)
  })
})

describe('first start', () => {
  it('creates the admin once, prints the password framed and writes it 0600', async () => {
    const t = await createTestContext()
    try {
      const printed: string[] = []
      expect(await ensureAdmin(t.deps, (s) => printed.push(s))).toBe(true)
      const file = join(t.dataDir, 'ADMIN_PASSWORD')
      const password = readFileSync(file, 'utf8').trim()
      expect(password).toHaveLength(20)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(printed.join('')).toContain(`password: ${password}`)
      expect(printed.join('')).toMatch(/^\n\+-+\+/)
      expect(await ensureAdmin(t.deps, (s) => printed.push(s))).toBe(false)
      const login = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password },
      })
      expect(login.statusCode).toBe(200)
      const me = await t.app.inject({
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${login.json().access_token}` },
      })
      expect(me.json()).toMatchObject({ is_superadmin: true, email: 'admin@local' })
    } finally {
      await t.close()
    }
  })
})
