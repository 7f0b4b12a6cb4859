import { randomBytes, randomInt } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Deps } from './core/deps.js'
import { newId } from './core/ids.js'
import { hashPassword } from './modules/auth/index.js'

/** Embedded mode: a SECRET_KEY generated once into the data dir (mode 0600) and reused after. */
export function ensureSecretKeyFile(dataDir: string): string {
  const file = join(dataDir, 'SECRET_KEY')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const key = randomBytes(32).toString('hex')
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' })
  return key
}

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%^&*'

function randomPassword(length = 20): string {
  let s = ''
  for (let i = 0; i < length; i++) s += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]
  return s
}

/**
 * First start only: creates the superadmin `admin`, prints its password once in a frame and
 * writes it to DATA_DIR/ADMIN_PASSWORD (0600). Later starts do nothing.
 */
export async function ensureAdmin(
  deps: Deps,
  print: (text: string) => void = (t) => process.stdout.write(t),
): Promise<boolean> {
  if ((await deps.repos.users.count()) > 0) return false
  const password = randomPassword()
  const now = deps.clock.now()
  await deps.repos.users.insert({
    id: newId(now),
    email: deps.config.ADMIN_EMAIL.toLowerCase(),
    username: 'admin',
    full_name: 'Administrator',
    password_hash: await hashPassword(password),
    is_superadmin: 1,
    is_active: 1,
    can_create_monitors: 1,
    timezone: null,
    language: null,
    created_at: now,
    updated_at: now,
  })
  mkdirSync(deps.config.DATA_DIR, { recursive: true })
  const file = join(deps.config.DATA_DIR, 'ADMIN_PASSWORD')
  writeFileSync(file, `${password}\n`, { mode: 0o600 })
  const lines = [
    'WhatIsUp admin account created (shown once)',
    '',
    `  username: admin`,
    `  password: ${password}`,
    '',
    `also saved to ${file}`,
  ]
  const width = Math.max(...lines.map((l) => l.length)) + 4
  const bar = `+${'-'.repeat(width)}+`
  print(`\n${bar}\n${lines.map((l) => `|  ${l.padEnd(width - 2)}|`).join('\n')}\n${bar}\n\n`)
  return true
}
