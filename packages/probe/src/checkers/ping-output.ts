/** What a ping run reported in its summary. RTTs are absent when nothing came back. */
export interface PingStats {
  transmitted: number
  received: number
  /** Percent, as ping printed it (`33.3333`). */
  loss: number
  rttMin?: number
  rttAvg?: number
  rttMax?: number
  rttMdev?: number
}

const COUNTS = /(\d+) packets transmitted, (\d+) (?:packets )?received(?:, \+\d+ \w+)*, ([\d.]+)% packet loss/
// iputils: "rtt min/avg/max/mdev = a/b/c/d ms"; BusyBox and BSD: "round-trip min/avg/max[/stddev] = a/b/c ms".
const RTT = /(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/

/**
 * Parses the summary of iputils `ping` (also BusyBox's): the counts line and, when any reply came
 * back, the RTT line. Null when there is no summary (ping failed before sending).
 *
 * @example
 * parsePingOutput('3 packets transmitted, 2 received, 33.3333% packet loss, time 402ms')
 * // → { transmitted: 3, received: 2, loss: 33.3333 }
 */
export function parsePingOutput(output: string): PingStats | null {
  const counts = COUNTS.exec(output)
  if (!counts) return null
  const stats: PingStats = {
    transmitted: Number(counts[1]),
    received: Number(counts[2]),
    loss: Number(counts[3]),
  }
  const rtt = RTT.exec(output)
  if (rtt) {
    stats.rttMin = Number(rtt[1])
    stats.rttAvg = Number(rtt[2])
    stats.rttMax = Number(rtt[3])
    if (rtt[4] !== undefined) stats.rttMdev = Number(rtt[4])
  }
  return stats
}
