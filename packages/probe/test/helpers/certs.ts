import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export interface KeyPair {
  key: string
  cert: string
}

export interface TestCerts {
  ca: string
  /** Signed by `ca` for 127.0.0.1 and localhost, valid 30 days. */
  valid: KeyPair
  /** Signed by `ca`, expired in 2020. */
  expired: KeyPair
  /** Self-signed for 127.0.0.1. */
  selfSigned: KeyPair
  /** Signed by `ca` for wrong.example only. */
  wrongHost: KeyPair
  cleanup(): Promise<void>
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
`

/** Real certificates made with the `openssl` CLI at test time: EC P-256, so generation is instant. */
export async function makeTestCerts(): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'wiu-certs-'))
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG)
  await writeFile(join(dir, 'index.txt'), '')
  await writeFile(join(dir, 'serial'), '01\n')
  await openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '30',
    '-subj',
    '/CN=WhatIsUp Test CA',
  )

  const signed = async (name: string, san: string, dates: string[]): Promise<KeyPair> => {
    await openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`)
    await writeFile(join(dir, `${name}.ext`), `[e]\nsubjectAltName = ${san}\n`)
    await openssl(
      'ca',
      '-batch',
      '-notext',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.crt',
      '-keyfile',
      'ca.key',
      '-extfile',
      `${name}.ext`,
      '-extensions',
      'e',
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.crt`,
      ...dates,
    )
    return pair(name)
  }
  const pair = async (name: string): Promise<KeyPair> => ({
    key: await readFile(join(dir, `${name}.key`), 'utf8'),
    cert: await readFile(join(dir, `${name}.crt`), 'utf8'),
  })

  const valid = await signed('valid', 'IP:127.0.0.1,DNS:localhost', ['-days', '30'])
  const expired = await signed('expired', 'IP:127.0.0.1,DNS:localhost', [
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
  ])
  const wrongHost = await signed('wrong', 'DNS:wrong.example', ['-days', '30'])
  await openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'self.key',
    '-out',
    'self.crt',
    '-days',
    '30',
    '-subj',
    '/CN=self-signed',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  )
  return {
    ca: await readFile(join(dir, 'ca.crt'), 'utf8'),
    valid,
    expired,
    wrongHost,
    selfSigned: await pair('self'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}
