import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SQLite from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { startCheckpointer } from '../src/storage/checkpointer.js'

/** SQLite's WAL checkpoints in a worker thread (storage/checkpointer.ts), on a real database file. */
describe('background WAL checkpointer', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  function writer() {
    const dir = mkdtempSync(join(tmpdir(), 'wiu-ckpt-'))
    dirs.push(dir)
    const file = join(dir, 'db.sqlite')
    const db = new SQLite(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    // The writer never checkpoints by itself: only the worker can.
    db.pragma('wal_autocheckpoint = 0')
    db.exec('create table t (id integer primary key, body blob not null)')
    const insert = db.prepare('insert into t (body) values (?)')
    let next = 0
    /** One transaction of `rows` rows of 1 KiB. */
    const write = (rows: number) =>
      db.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run(Buffer.alloc(1024, next++ % 251))
      })()
    /** `query`'s single value in a copy of the database file alone, without its WAL. */
    const fileAlone = (query: string) => {
      const copy = join(dir, 'copy.sqlite')
      copyFileSync(file, copy)
      const alone = new SQLite(copy, { readonly: true })
      try {
        return alone.prepare(query).pluck().get()
      } finally {
        alone.close()
      }
    }
    return { dir, file, db, write, written: () => next, fileAlone }
  }

  it('copies the WAL into the database file while the writer keeps committing, then stops its thread', async () => {
    const w = writer()
    const checkpoints: { log: number; checkpointed: number }[] = []
    const errors: string[] = []
    const ckpt = startCheckpointer(w.file, {
      thresholdBytes: 256 * 1024,
      intervalMs: 10,
      onCheckpoint: (r) => checkpoints.push(r),
      onError: (e) => errors.push(e),
    })
    // Commits keep coming while the worker checkpoints: none of them fails or waits on it.
    for (const deadline = Date.now() + 10_000; checkpoints.length < 3 && Date.now() < deadline; ) {
      w.write(100)
      await new Promise((r) => setTimeout(r, 5))
    }
    await ckpt.stop()
    expect(errors).toEqual([])
    expect(checkpoints.length).toBeGreaterThanOrEqual(3)
    expect(checkpoints.some((c) => c.log > 0 && c.checkpointed > 0)).toBe(true)

    // Once a checkpoint copied every frame, the database file alone holds what was committed
    // before it: a copy of the file without its WAL opens with those rows.
    w.write(1)
    const full = startCheckpointer(w.file, {
      thresholdBytes: 0,
      intervalMs: 5,
      onCheckpoint: (r) => checkpoints.push(r),
    })
    const before = checkpoints.length
    for (const deadline = Date.now() + 5_000; checkpoints.length === before && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 5))
    await full.stop()
    const last = checkpoints.at(-1)!
    expect(last.checkpointed).toBe(last.log)
    expect(w.fileAlone('select count(*) from t')).toBe(w.written())
    w.db.close()
  })

  it('starts no thread and checkpoints nothing while the WAL stays under the threshold', async () => {
    const w = writer()
    w.write(10)
    const walBefore = statSync(`${w.file}-wal`).size
    const checkpoints: unknown[] = []
    const ckpt = startCheckpointer(w.file, {
      thresholdBytes: 64 * 1024 * 1024,
      intervalMs: 5,
      onCheckpoint: (r) => checkpoints.push(r),
    })
    await new Promise((r) => setTimeout(r, 100))
    await ckpt.stop()
    expect(checkpoints).toEqual([])
    // Nothing was copied: the database file alone does not even have the table yet.
    expect(w.fileAlone("select count(*) from sqlite_master where name = 't'")).toBe(0)
    expect(statSync(`${w.file}-wal`).size).toBe(walBefore)
    w.db.close()
  })

  it('gives up once, and says so, when its thread cannot open the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wiu-ckpt-'))
    dirs.push(dir)
    const errors: string[] = []
    let gaveUp = 0
    const ckpt = startCheckpointer(join(dir, 'missing.sqlite'), {
      thresholdBytes: 0,
      intervalMs: 5,
      onError: (e) => errors.push(e),
      onGiveUp: () => gaveUp++,
    })
    for (const deadline = Date.now() + 5_000; gaveUp === 0 && Date.now() < deadline; )
      await new Promise((r) => setTimeout(r, 5))
    // No second thread is started after the first one died.
    await new Promise((r) => setTimeout(r, 100))
    await ckpt.stop()
    expect(gaveUp).toBe(1)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/unable to open database file|does not exist|SQLITE_CANTOPEN/)
  })
})
