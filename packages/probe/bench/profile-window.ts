/**
 * Preloaded into a benchmarked process (`node --import <this file>`): CPU-profiles only the
 * measured window, not start-up. The harness writes `start` then `stop` into the file named by
 * BENCH_PROFILE_CTL; the profile goes to BENCH_PROFILE_OUT.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

const ctl = process.env.BENCH_PROFILE_CTL
const outFile = process.env.BENCH_PROFILE_OUT
if (ctl && outFile) {
  const session = new Session()
  session.connect()
  let state: 'idle' | 'running' | 'done' = 'idle'
  const poll = setInterval(() => {
    let wanted = ''
    try {
      wanted = readFileSync(ctl, 'utf8').trim()
    } catch {
      return
    }
    if (wanted === 'start' && state === 'idle') {
      state = 'running'
      session.post('Profiler.enable', () => session.post('Profiler.start'))
    } else if (wanted === 'stop' && state === 'running') {
      state = 'done'
      clearInterval(poll)
      session.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(outFile, JSON.stringify(result.profile))
        session.disconnect()
      })
    }
  }, 200)
  poll.unref()
}
