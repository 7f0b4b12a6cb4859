/**
 * LEB128 of non-negative integers (7 bits a byte, low first): small counts take one byte. Used by
 * the packed raw days (packed.ts) and the chart days (chart-hours.ts).
 */
export class VarintWriter {
  private buf = new Uint8Array(256)
  private p = 0

  /** Appends `v`, floored and at least 0 (callers pass integers). */
  put(v: number): void {
    this.reserve(10)
    let c = v > 0 ? Math.floor(v) : 0
    while (c >= 0x80) {
      this.buf[this.p++] = (c % 0x80) | 0x80
      c = Math.floor(c / 0x80)
    }
    this.buf[this.p++] = c
  }

  /** Appends bytes as they are. */
  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buf.set(bytes, this.p)
    this.p += bytes.length
  }

  private reserve(n: number): void {
    if (this.p + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.p + n))
    next.set(this.buf.subarray(0, this.p))
    this.buf = next
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.p)
  }
}

export class VarintReader {
  p = 0
  constructor(readonly data: Uint8Array) {}

  get done(): boolean {
    return this.p >= this.data.length
  }

  get(): number {
    let c = 0
    let mul = 1
    for (;;) {
      const b = this.data[this.p++] ?? 0
      c += (b & 0x7f) * mul
      if (b < 0x80) return c
      mul *= 0x80
    }
  }
}
