/**
 * Collects one stream of a shell session and cuts it into per-step pieces at
 * the end markers the session prints after each step. A step that prints a
 * lot (a dump sent to stdout by mistake) keeps its head and its tail; the
 * middle is dropped so memory stays bounded.
 */
export interface CapturedPiece {
  text: string;
  truncated: boolean;
}

const HEAD_LIMIT = 256 * 1024;
const TAIL_LIMIT = 256 * 1024;

export class StreamCapture {
  private head: Buffer | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private dropped = 0;

  append(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.bound();
  }

  /** Cuts off the step's piece once `marker` and the rest of its line have arrived. */
  take(marker: Buffer): { piece: CapturedPiece; statusText: string } | undefined {
    const at = this.pending.indexOf(marker);
    const lineEnd = at >= 0 ? this.pending.indexOf(0x0a, at + marker.length) : -1;
    if (lineEnd < 0) return undefined;
    const piece = this.piece(this.pending.subarray(0, at));
    const statusText = this.pending.subarray(at + marker.length, lineEnd).toString('utf8');
    this.pending = Buffer.from(this.pending.subarray(lineEnd + 1));
    return { piece, statusText };
  }

  /** Whatever arrived without a marker (the session died or was killed mid-step). */
  flush(): CapturedPiece {
    const piece = this.piece(this.pending);
    this.pending = Buffer.alloc(0);
    return piece;
  }

  private piece(body: Buffer): CapturedPiece {
    const head = this.head;
    const dropped = this.dropped;
    this.head = undefined;
    this.dropped = 0;
    if (!head) return { text: body.toString('utf8'), truncated: false };
    const note = `\n[… ${dropped} bytes of output not kept …]\n`;
    return { text: head.toString('utf8') + note + body.toString('utf8'), truncated: true };
  }

  private bound(): void {
    if (this.pending.length <= HEAD_LIMIT + TAIL_LIMIT) return;
    if (!this.head) {
      this.head = Buffer.from(this.pending.subarray(0, HEAD_LIMIT));
      this.pending = this.pending.subarray(HEAD_LIMIT);
    }
    const excess = this.pending.length - TAIL_LIMIT;
    if (excess > 0) {
      this.dropped += excess;
      this.pending = Buffer.from(this.pending.subarray(excess));
    }
  }
}
