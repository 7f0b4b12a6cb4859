/** The few server API calls the benchmark makes, as a user would (no direct database access). */

async function call(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  return text ? JSON.parse(text) : undefined
}

/** Logs in as the generated admin and registers an internal probe (it may reach 127.0.0.1). */
export async function setUpProbe(baseUrl: string, adminPassword: string): Promise<{ apiKey: string; token: string }> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  })
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const { access_token: token } = (await res.json()) as { access_token: string }
  const probe = (await call(baseUrl, token, 'POST', '/api/v1/probes/register', {
    name: 'bench',
    network_type: 'internal',
  })) as { api_key: string }
  return { apiKey: probe.api_key, token }
}

/** N HTTP monitors on distinct paths of `base`, created through the API: their ids, and the seconds it took. */
export async function createMonitors(
  baseUrl: string,
  token: string,
  count: number,
  intervalS: number,
  base: string,
): Promise<{ ids: string[]; seconds: number }> {
  const started = performance.now()
  const ids: string[] = []
  let next = 0
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const created = (await call(baseUrl, token, 'POST', '/api/v1/monitors', {
        name: `bench ${i}`,
        url: `${base}/m/${i}`,
        interval_seconds: intervalS,
        timeout_seconds: 10,
      })) as { id: string }
      ids.push(created.id)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  return { ids, seconds: (performance.now() - started) / 1000 }
}
