import { z } from 'zod'

/** A base64url string (no padding) that decodes to exactly `bytes` bytes. */
const b64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what}: base64url expected`)
    .refine((s) => Buffer.from(s, 'base64url').length === bytes, `${what}: ${bytes} bytes expected`)

/** The browser's `PushSubscription.toJSON()`, plus an optional device label. */
export const SubscriptionBody = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    /** The browser's P-256 public key, uncompressed (65 bytes, 0x04 first). */
    p256dh: b64url(65, 'p256dh').refine(
      (s) => Buffer.from(s, 'base64url')[0] === 4,
      'p256dh: uncompressed point expected',
    ),
    /** The 16-byte authentication secret. */
    auth: b64url(16, 'auth'),
  }),
  label: z.string().trim().min(1).max(120).optional(),
})
export type SubscriptionInput = z.output<typeof SubscriptionBody>

export const SubscriptionOut = z.object({
  id: z.string(),
  /** The push service (e.g. fcm.googleapis.com); the endpoint itself is a secret and never returned. */
  endpoint_host: z.string(),
  label: z.string().nullable(),
  created_at: z.string(),
  last_sent_at: z.string().nullable(),
})
export type SubscriptionOutDto = z.infer<typeof SubscriptionOut>

export const VapidKeyOut = z.object({ public_key: z.string() })
export const IdParams = z.strictObject({ id: z.string().min(1).max(64) })
