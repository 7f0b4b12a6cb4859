import { createConnection } from 'mysql2/promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkWith, itFailsLikeEveryServiceCheck, uniqueName } from '../../test/helpers/services.js'
import { createMysqlChecker } from './mysql.js'

const check = checkWith(createMysqlChecker(), 'mysql')
const database = uniqueName('wiu_my')
const admin = () => createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' })

beforeAll(async () => {
  const conn = await admin()
  await conn.query(`CREATE DATABASE ${database}`)
  await conn.query(`CREATE TABLE ${database}.health (v VARCHAR(20), n DECIMAL(5,2))`)
  await conn.query(`INSERT INTO ${database}.health VALUES ('hello', 1.50)`)
  await conn.end()
})
afterAll(async () => {
  const conn = await admin()
  await conn.query(`DROP DATABASE IF EXISTS ${database}`)
  await conn.end()
})

describe('mysql checker', () => {
  it('is up when the first value matches expected_value, with timings and server facts', async () => {
    const r = await check({ database, query: 'SELECT v, n FROM health', expected_value: 'hello' })
    expect(r).toMatchObject({ status: 'up', remote_address: '127.0.0.1' })
    expect(r.failure).toBeUndefined()
    expect(r.timings).toEqual({ connect_ms: expect.any(Number), ttfb_ms: expect.any(Number) })
    expect(r.details).toMatchObject({ result: 'hello', rows: 1, server_version: expect.stringMatching(/^\d+\.\d+/) })
    expect(r.conditions).toEqual([
      { condition: '[RESULT] == "hello"', success: true, actual: 'hello', severity: 'down' },
    ])
  })

  it("compares the server's text exactly: a wrong expected_value is an assertion failure showing the actual value", async () => {
    const r = await check({ database, query: 'SELECT n FROM health', expected_value: '1.5' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'assertion' } })
    expect(r.failure?.message).toContain('actual 1.50')
    expect(r.conditions).toEqual([{ condition: '[RESULT] == "1.5"', success: false, actual: '1.50', severity: 'down' }])
  })

  it('evaluates conditions on [RESULT]; SQL NULL reads as null', async () => {
    const r = await check({ database, query: 'SELECT n * 2 FROM health' }, { conditions: ['[RESULT] > 2'] })
    expect(r).toMatchObject({ status: 'up', conditions: [{ success: true, actual: '3.00' }] })
    const nullish = await check({ query: 'SELECT NULL', expected_value: 'x' })
    expect(nullish).toMatchObject({ status: 'down', details: { result: null }, conditions: [{ actual: 'null' }] })
  })

  it('reports a wrong password with the server message', async () => {
    const r = await check({ password: 'wrong' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toMatch(/^login failed: .*Access denied for user 'root'/)
  })

  it('reports a failing query with the server message', async () => {
    const r = await check({ database, query: 'SELECT missing FROM health' })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'response' } })
    expect(r.failure?.message).toMatch(/^query failed: .*Unknown column 'missing'/)
  })

  itFailsLikeEveryServiceCheck(check, 'login')

  it('reports a server without TLS when TLS is required', async () => {
    const r = await check({ tls: true })
    expect(r).toMatchObject({ status: 'down', failure: { phase: 'tls' } })
    expect(r.failure?.message).toContain('Server does not support secure connection')
  })
})
