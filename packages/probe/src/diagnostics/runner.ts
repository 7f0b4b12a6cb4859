import type { Clock, DiagnosticResult, ProbeCommand } from '@whatisup/shared'
import { backoff, classify, describeError, type ProbeApi } from '../agent/api.js'
import type { NetworkPolicy } from '../checkers/types.js'
import type { Logger } from '../log.js'
import { type CollectorRegistry, runDiagnostics } from './run.js'

type DiagnoseCommand = Extract<ProbeCommand, { type: 'diagnose' }>

export interface DiagnosticsRunnerOptions {
  api: ProbeApi
  clock: Clock
  log: Logger
  /** The policy in force when the command arrives (it follows the probe's network type). */
  policy: () => NetworkPolicy
  collectors?: CollectorRegistry
  /** Upload attempts before giving up; the server asks again later if it never got them. */
  uploadAttempts?: number
}

/** Request ids remembered as done, so a redelivered command is not run twice. */
const REMEMBERED = 200

/**
 * Runs `diagnose` commands: each request once at a time (the server redelivers until it has the
 * upload), collectors in parallel, then the upload with a few retries. A request the server
 * refuses (expired, unknown) is dropped; one whose upload never got through is forgotten, so a
 * redelivery runs it afresh.
 */
export class DiagnosticsRunner {
  private readonly running = new Map<string, Promise<void>>()
  private readonly done = new Set<string>()

  constructor(private readonly o: DiagnosticsRunnerOptions) {}

  handle(command: DiagnoseCommand): void {
    const id = command.request_id
    if (this.running.has(id) || this.done.has(id)) return
    const work = this.run(command)
      .catch((error: unknown) => this.o.log.error('diagnostics failed', { request_id: id, error }))
      .finally(() => this.running.delete(id))
    this.running.set(id, work)
  }

  /** Resolves once every request in progress has finished (uploaded or given up). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()])
  }

  private async run(command: DiagnoseCommand): Promise<void> {
    const { request_id: id } = command
    this.o.log.info('running diagnostics', { request_id: id, incident_id: command.incident_id, kinds: command.kinds })
    const results = await runDiagnostics({
      target: command.target,
      kinds: command.kinds,
      policy: this.o.policy(),
      clock: this.o.clock,
      ...(this.o.collectors ? { collectors: this.o.collectors } : {}),
    })
    if (await this.upload(id, results)) this.remember(id)
  }

  /** True when the server has the results or will never take them. */
  private async upload(id: string, results: DiagnosticResult[]): Promise<boolean> {
    const attempts = this.o.uploadAttempts ?? 3
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const { status, body } = await this.o.api.postDiagnostics({ request_id: id, results })
        const outcome = classify(status)
        if (outcome === 'ok') return true
        if (outcome === 'rejected') {
          this.o.log.warn('diagnostics refused by the server', { request_id: id, status, ...describeError(body) })
          return true
        }
        this.o.log.debug('diagnostics upload failed', { request_id: id, status, attempt })
      } catch (error) {
        this.o.log.debug('diagnostics upload failed', { request_id: id, error, attempt })
      }
      if (attempt < attempts) await this.sleep(backoff(attempt, 1000, 10_000))
    }
    this.o.log.warn('diagnostics not uploaded; the server will ask again', { request_id: id })
    return false
  }

  private remember(id: string): void {
    this.done.add(id)
    if (this.done.size > REMEMBERED) this.done.delete(this.done.values().next().value as string)
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimeout(resolve, ms))
  }
}
