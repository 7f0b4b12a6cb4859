import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import { htmlEscape } from '../render.js'
import { bodyText, optionalText } from './common.js'
import type { ChannelDriver, Outgoing } from './types.js'

export const EmailConfig = z.strictObject({
  to: z.array(z.email()).min(1).max(20),
  from: z.email(),
  smtp_host: z.string().regex(/^[A-Za-z0-9.-]{1,253}$|^\[?[0-9a-fA-F:.]+\]?$/, 'a host name or an IP address'),
  smtp_port: z.int().min(1).max(65535).default(587),
  /** `starttls` (587) requires the upgrade; `tls` is implicit TLS (465); `none` only for a local relay. */
  smtp_security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
  smtp_username: optionalText(256),
  smtp_password: optionalText(512),
  smtp_verify_tls: z.boolean().default(true),
})
export type EmailConfig = z.output<typeof EmailConfig>

/** RFC 2047 encoded-word when the header is not plain ASCII. */
const header = (s: string) =>
  /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`
const base64Lines = (s: string) =>
  (
    Buffer.from(s, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n')

function html(out: Outgoing): string {
  const r = out.rendered
  if (out.template) return `<pre>${htmlEscape(bodyText(out))}</pre>`
  const rows = r.facts
    .map(
      ([k, v]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0">${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`,
    )
    .join('')
  return [
    `<h2 style="margin:0 0 8px">${htmlEscape(r.title)}</h2>`,
    r.summary ? `<p>${htmlEscape(r.summary)}</p>` : '',
    rows ? `<table>${rows}</table>` : '',
    r.link ? `<p><a href="${htmlEscape(r.link)}">${htmlEscape(r.link)}</a></p>` : '',
  ].join('\n')
}

/** A multipart text + HTML e-mail (headers included), as sent to the SMTP server. */
export function composeMail(m: {
  from: string
  to: readonly string[]
  subject: string
  text: string
  html: string
  /** Unique per e-mail (the delivery's idempotency key): receivers can de-duplicate on it. */
  messageKey: string
  now: number
}): string {
  const boundary = `wiu-${randomBytes(12).toString('hex')}`
  const host = m.from.split('@')[1] ?? 'whatisup'
  const id = Buffer.from(m.messageKey).toString('base64url').slice(0, 120)
  return [
    `From: ${m.from}`,
    `To: ${m.to.join(', ')}`,
    `Subject: ${header(m.subject)}`,
    `Date: ${new Date(m.now).toUTCString()}`,
    `Message-ID: <${id}@${host}>`,
    'MIME-Version: 1.0',
    'Auto-Submitted: auto-generated',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(m.text),
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(m.html),
    `--${boundary}--`,
    '',
  ].join('\r\n')
}

/** The full message of an alert (headers and a text + HTML body). */
export function composeEmail(c: EmailConfig, out: Outgoing): string {
  return composeMail({
    from: c.from,
    to: c.to,
    subject: `[WhatIsUp] ${out.rendered.title}`,
    text: bodyText(out),
    html: html(out),
    messageKey: out.idempotencyKey,
    now: out.now,
  })
}

export const email: ChannelDriver<EmailConfig> = {
  kind: 'email',
  schema: EmailConfig,
  secrets: ['smtp_password'],
  lan: false,
  send: (c, out, io) =>
    io.smtp(
      {
        host: c.smtp_host,
        port: c.smtp_port,
        security: c.smtp_security,
        username: c.smtp_username || undefined,
        password: c.smtp_password || undefined,
        verifyTls: c.smtp_verify_tls,
      },
      { from: c.from, to: c.to, data: composeEmail(c, out) },
    ),
}
