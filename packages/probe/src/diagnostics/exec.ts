import { execFile } from 'node:child_process'
import { TOOL_ENV } from './collector.js'

export interface ToolOutput {
  stdout: string
  stderr: string
  /** Exit code, or null when the process was killed (deadline). */
  code: number | null
  /** The executable is not installed. */
  missing: boolean
}

/**
 * Runs a system tool without a shell; the deadline's abort kills it and still resolves with the
 * output printed so far (a partial traceroute is worth showing).
 */
export function runTool(command: string, args: string[], signal: AbortSignal): Promise<ToolOutput> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { maxBuffer: 256 * 1024, env: TOOL_ENV }, (e, stdout, stderr) => {
      const err = e as (NodeJS.ErrnoException & { code?: number | string }) | null
      const code = typeof err?.code === 'number' ? err.code : err ? null : 0
      resolve({ stdout, stderr, code, missing: err?.code === 'ENOENT' })
    })
    const kill = () => child.kill('SIGKILL')
    if (signal.aborted) kill()
    else signal.addEventListener('abort', kill, { once: true })
    child.once('exit', () => signal.removeEventListener('abort', kill))
  })
}
