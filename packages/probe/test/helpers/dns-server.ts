import { createSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'

/** Record values as a zone file would hold them, for the types the tests use. */
export type DnsRecord =
  | { type: 'A' | 'AAAA' | 'CNAME' | 'NS'; value: string; ttl?: number }
  | { type: 'MX'; priority: number; exchange: string; ttl?: number }
  | { type: 'TXT'; chunks: string[]; ttl?: number }
  | { type: 'SRV'; priority: number; weight: number; port: number; target: string; ttl?: number }
  | { type: 'CAA'; flags: number; tag: string; value: string; ttl?: number }
  | { type: 'SOA'; mname: string; rname: string; serial: number; ttl?: number }

/** A name's answers, or a forced response code (2 SERVFAIL, 5 REFUSED…), or no answer at all. */
export interface ZoneEntry {
  records?: DnsRecord[]
  rcode?: number
  drop?: boolean
}

export interface DnsServer {
  port: number
  /** `127.0.0.1:port`, as a `resolvers` entry. */
  address: string
  /** Every question received, as `name/TYPE`. */
  queries: string[]
  zone: Record<string, ZoneEntry>
  close(): Promise<void>
}

const TYPES: Record<string, number> = { A: 1, NS: 2, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28, SRV: 33, CAA: 257 }
const NAMES = Object.fromEntries(Object.entries(TYPES).map(([k, v]) => [v, k]))

/**
 * A real authoritative DNS server over UDP on 127.0.0.1, answering from `zone` (names lower case,
 * no trailing dot). Unknown names are NXDOMAIN; a known name without records of the asked type is
 * NOERROR with no answer (NODATA). Enough wire format for the record types above, nothing more.
 */
export async function startDnsServer(zone: Record<string, ZoneEntry>): Promise<DnsServer> {
  const socket = createSocket('udp4')
  const queries: string[] = []
  const server: DnsServer = { port: 0, address: '', queries, zone, close: async () => {} }
  socket.on('message', (msg, from) => {
    const { name, type, end } = readQuestion(msg)
    queries.push(`${name}/${NAMES[type] ?? type}`)
    const entry = server.zone[name.toLowerCase()]
    if (entry?.drop) return
    const rcode = entry ? (entry.rcode ?? 0) : 3
    const answers = rcode === 0 ? (entry?.records ?? []).filter((r) => TYPES[r.type] === type) : []
    const header = Buffer.alloc(12)
    header.writeUInt16BE(msg.readUInt16BE(0), 0)
    // QR, opcode 0, AA, RD copied from the query, RA; then the rcode.
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2)
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(answers.length, 6)
    const parts = [header, msg.subarray(12, end), ...answers.map(encodeAnswer)]
    socket.send(Buffer.concat(parts), from.port, from.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve))
  server.port = socket.address().port
  server.address = `127.0.0.1:${server.port}`
  server.close = () => new Promise<void>((resolve) => socket.close(() => resolve()))
  return server
}

function readQuestion(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = []
  let at = 12
  for (let len = msg[at]!; len > 0; len = msg[at]!) {
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1'))
    at += len + 1
  }
  at += 1
  return { name: labels.join('.'), type: msg.readUInt16BE(at), end: at + 4 }
}

function encodeAnswer(r: DnsRecord): Buffer {
  const fixed = Buffer.alloc(12)
  fixed.writeUInt16BE(0xc00c, 0) // the name: a pointer to the question's
  fixed.writeUInt16BE(TYPES[r.type]!, 2)
  fixed.writeUInt16BE(1, 4)
  fixed.writeUInt32BE(r.ttl ?? 300, 6)
  const data = rdata(r)
  fixed.writeUInt16BE(data.length, 10)
  return Buffer.concat([fixed, data])
}

function rdata(r: DnsRecord): Buffer {
  switch (r.type) {
    case 'A':
      return Buffer.from(r.value.split('.').map(Number))
    case 'AAAA':
      return ipv6(r.value)
    case 'CNAME':
    case 'NS':
      return name(r.value)
    case 'MX':
      return Buffer.concat([u16(r.priority), name(r.exchange)])
    case 'TXT':
      return Buffer.concat(r.chunks.map((c) => Buffer.concat([Buffer.from([Buffer.byteLength(c)]), Buffer.from(c)])))
    case 'SRV':
      return Buffer.concat([u16(r.priority), u16(r.weight), u16(r.port), name(r.target)])
    case 'CAA':
      return Buffer.concat([Buffer.from([r.flags, r.tag.length]), Buffer.from(r.tag), Buffer.from(r.value)])
    case 'SOA': {
      const times = Buffer.alloc(20)
      for (const [i, v] of [r.serial, 7200, 3600, 1209600, 300].entries()) times.writeUInt32BE(v, i * 4)
      return Buffer.concat([name(r.mname), name(r.rname), times])
    }
  }
}

const u16 = (n: number) => {
  const b = Buffer.alloc(2)
  b.writeUInt16BE(n)
  return b
}

function name(text: string): Buffer {
  const labels = text.replace(/\.$/, '').split('.').filter(Boolean)
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ])
}

function ipv6(text: string): Buffer {
  if (!isIPv6(text)) throw new Error(`not IPv6: ${text}`)
  const [head = '', tail = ''] = text.split('::')
  const left = head ? head.split(':') : []
  const right = text.includes('::') && tail ? tail.split(':') : []
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return Buffer.concat(groups.map((g) => u16(Number.parseInt(g, 16))))
}
