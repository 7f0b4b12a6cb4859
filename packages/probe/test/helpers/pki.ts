import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { KeyPair } from './certs.js'

const run = promisify(execFile)

export interface Issued extends KeyPair {
  name: string
}

/**
 * A tiny certificate authority on the `openssl` CLI, for chains `makeTestCerts` does not cover: an
 * intermediate that expires before its leaf, a leaf expiring in N days, client certificates.
 *
 * @example
 * const pki = await makePki()
 * const root = await pki.root('Root', 365)
 * const inter = await pki.issue('Inter', root, { days: 10, ca: true })
 * const leaf = await pki.issue('leaf', inter, { days: 90, san: 'IP:127.0.0.1' })
 */
export async function makePki() {
  const dir = await mkdtemp(join(tmpdir(), 'wiu-pki-'))
  const openssl = (...args: string[]) => run('openssl', args, { cwd: dir })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  const read = async (name: string): Promise<Issued> => ({
    name,
    key: await readFile(join(dir, `${name}.key`), 'utf8'),
    cert: await readFile(join(dir, `${name}.crt`), 'utf8'),
  })
  let serial = 1
  return {
    async root(name: string, days: number): Promise<Issued> {
      await openssl(
        'req',
        '-x509',
        ...ec,
        '-keyout',
        `${name}.key`,
        '-out',
        `${name}.crt`,
        '-days',
        String(days),
        '-subj',
        `/CN=${name}`,
      )
      return read(name)
    },
    /** Signs a new key with `issuer`: a CA (`ca: true`), a server (`san`) or a client (`client: true`). */
    async issue(
      name: string,
      issuer: Issued,
      opts: { days: number; ca?: boolean; san?: string; client?: boolean },
    ): Promise<Issued> {
      await openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`)
      const ext = opts.ca
        ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n'
        : `basicConstraints=CA:FALSE\nextendedKeyUsage=${opts.client ? 'clientAuth' : 'serverAuth'}\n${opts.san ? `subjectAltName=${opts.san}\n` : ''}`
      await writeFile(join(dir, `${name}.ext`), ext)
      await openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${issuer.name}.crt`,
        '-CAkey',
        `${issuer.name}.key`,
        '-set_serial',
        String(serial++),
        '-days',
        String(opts.days),
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      )
      return read(name)
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}
