import type { Deps } from '../../core/deps.js'
import type { AlertChannelRow } from '../../storage/repositories/index.js'
import { openConfig } from './channel-secrets.js'
import { composeMail, EmailConfig } from './channels/email.channel.js'
import { channelIO } from './delivery/dispatch.js'
import { DeliveryError } from './delivery/errors.js'

/**
 * Sends an e-mail that is not an alert (scheduled reports) through the SMTP settings of one of the
 * owner's e-mail channels, with the same client, TLS and SSRF rules as alert e-mail. The channel's
 * own recipients are replaced by `to`. Throws a DeliveryError.
 */
export async function mailThroughChannel(
  deps: Deps,
  ch: AlertChannelRow,
  m: { to: readonly string[]; subject: string; text: string; html: string; messageKey: string },
): Promise<string> {
  if (ch.kind !== 'email') throw new DeliveryError('not an e-mail channel', true)
  const c = EmailConfig.parse(openConfig(deps.config, ch))
  const allowLan = deps.config.ALERTING_ALLOW_PRIVATE_TARGETS || ch.allow_private === 1
  const data = composeMail({ from: c.from, ...m, now: deps.clock.now() })
  return channelIO(deps, allowLan, ch.owner_id).smtp(
    {
      host: c.smtp_host,
      port: c.smtp_port,
      security: c.smtp_security,
      username: c.smtp_username || undefined,
      password: c.smtp_password || undefined,
      verifyTls: c.smtp_verify_tls,
    },
    { from: c.from, to: m.to, data },
  )
}
