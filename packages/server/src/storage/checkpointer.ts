import { statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * SQLite WAL checkpoints off the ingestion path.
 *
 * A checkpoint copies the WAL's pages back into the database file and fsyncs both files. Run by
 * the writing connection itself (`wal_autocheckpoint`), it happens inside a COMMIT on the event
 * loop: at 20 M stored results it was ~28 % of ingestion's CPU profile, most of it waiting for
 * fsync. Here a second connection, in a worker thread, runs PASSIVE checkpoints whenever the WAL
 * grows past `thresholdBytes`. PASSIVE never takes the write lock, so the writer is not blocked:
 * SQLite itself guarantees a checkpoint and a writer can run at once. The writer then restarts the
 * WAL from its start at its next transaction once everything is copied.
 *
 * The writing connection keeps a (much higher) `wal_autocheckpoint` as a backstop in case this
 * worker falls behind or fails. The worker starts on the first large WAL, so a small database (a
 * test, a quiet install) never starts a thread.
 */
export interface Checkpointer {
  stop(): Promise<void>
}

/** The worker: one connection, one PASSIVE checkpoint per request. Plain JS, run with `eval`. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
db.pragma('synchronous = NORMAL')
parentPort.on('message', (m) => {
  if (m === 'stop') { db.close(); process.exit(0) }
  let error = null
  let result = null
  try { result = db.pragma('wal_checkpoint(PASSIVE)')[0] } catch (e) { error = String(e && e.message || e) }
  parentPort.postMessage({ error, result })
})
`

export function startCheckpointer(
  file: string,
  opts: {
    thresholdBytes: number
    intervalMs: number
    onError?: (message: string) => void
    /** The worker thread died (it could not open the database, say): called once, then nothing
     * more is attempted and the writer's own checkpoints must take over. */
    onGiveUp?: () => void
    /** After each checkpoint: WAL frames (`log`) and how many of them are now in the database. */
    onCheckpoint?: (r: { log: number; checkpointed: number }) => void
  },
): Checkpointer {
  const wal = `${file}-wal`
  let worker: Worker | null = null
  let busy = false
  let stopped = false
  const walBytes = () => {
    try {
      return statSync(wal).size
    } catch {
      return 0
    }
  }
  const spawn = () => {
    const w = new Worker(WORKER, {
      eval: true,
      workerData: { file, driver: createRequire(import.meta.url).resolve('better-sqlite3') },
    })
    w.unref()
    w.on('message', (m: { error: string | null; result: { log: number; checkpointed: number } | null }) => {
      busy = false
      if (m.error) opts.onError?.(m.error)
      else if (m.result) opts.onCheckpoint?.({ log: m.result.log, checkpointed: m.result.checkpointed })
    })
    w.on('error', (err: unknown) => {
      // An error thrown in a worker arrives cloned: a SqliteError may come without its message.
      const e = err as { message?: unknown; code?: unknown } | null
      opts.onError?.(typeof e?.message === 'string' && e.message ? e.message : `${e?.code ?? String(err)}`)
      giveUp()
    })
    w.on('exit', () => {
      if (worker === w && !stopped) giveUp()
    })
    return w
  }
  const giveUp = () => {
    if (stopped) return
    stopped = true
    clearInterval(timer)
    worker = null
    opts.onGiveUp?.()
  }
  const timer = setInterval(() => {
    if (stopped || busy || walBytes() < opts.thresholdBytes) return
    worker ??= spawn()
    busy = true
    worker.postMessage('checkpoint')
  }, opts.intervalMs)
  timer.unref()
  return {
    async stop() {
      if (stopped && !worker) return
      stopped = true
      clearInterval(timer)
      const w = worker
      worker = null
      if (!w) return
      const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
      // Referenced while we wait: a checkpoint in progress finishes first, and an unreferenced
      // worker would let the event loop end with this promise pending (exit code 13).
      w.ref()
      w.postMessage('stop')
      await exited
    },
  }
}
