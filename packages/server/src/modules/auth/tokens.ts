import { createHash, createHmac, randomBytes } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'
import { AppError } from '../../core/errors.js'

/** A purpose-bound key so SECRET_KEY is never used directly for more than one thing. */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return createHmac('sha256', secret).update(`whatisup:${purpose}`).digest()
}

export async function signAccessToken(
  key: Uint8Array,
  userId: string,
  nowMs: number,
  ttlMinutes: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000)
  return new SignJWT({ typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlMinutes * 60)
    .sign(key)
}

export async function verifyAccessToken(key: Uint8Array, token: string, nowMs: number): Promise<string> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], currentDate: new Date(nowMs) })
    if (payload.typ !== 'access' || typeof payload.sub !== 'string')
      throw new AppError('TOKEN_INVALID', 'not an access token')
    return payload.sub
  } catch (err) {
    if (err instanceof AppError) throw err
    if (err instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED', 'access token expired')
    throw new AppError('TOKEN_INVALID', 'invalid access token')
  }
}

/** Opaque refresh token; only its SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = `wiu_rt_${randomBytes(32).toString('base64url')}`
  return { token, hash: sha256(token) }
}

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex')
}
