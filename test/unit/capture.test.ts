import { describe, expect, it } from 'vitest';
import { StreamCapture } from '../../src/harness/execute/capture.ts';

const MARKER = Buffer.from('__RB_END_7f3a__ ');
const chunks = (capture: StreamCapture, ...parts: string[]) => parts.forEach((p) => capture.append(Buffer.from(p)));

describe('cutting a stream into steps at end markers', () => {
  it('waits for the marker and the rest of its line', () => {
    const capture = new StreamCapture();
    chunks(capture, 'COPY 3\n__RB_EN');
    expect(capture.take(MARKER)).toBeUndefined();
    chunks(capture, 'D_7f3a__ 0 1');
    expect(capture.take(MARKER)).toBeUndefined();
    chunks(capture, '7\nnext step');
    expect(capture.take(MARKER)).toMatchInlineSnapshot(`
      {
        "piece": {
          "text": "COPY 3
      ",
          "truncated": false,
        },
        "statusText": "0 17",
      }
    `);
    expect(capture.flush()).toEqual({ text: 'next step', truncated: false });
  });

  it('cuts several steps out of one chunk, in order', () => {
    const capture = new StreamCapture();
    chunks(capture, `one\n${MARKER}0\ntwo\n${MARKER}3\n`);
    expect([capture.take(MARKER), capture.take(MARKER), capture.take(MARKER)]).toMatchInlineSnapshot(`
      [
        {
          "piece": {
            "text": "one
      ",
            "truncated": false,
          },
          "statusText": "0",
        },
        {
          "piece": {
            "text": "two
      ",
            "truncated": false,
          },
          "statusText": "3",
        },
        undefined,
      ]
    `);
  });

  it('keeps a step without output, and output without a final newline', () => {
    const capture = new StreamCapture();
    chunks(capture, `${MARKER}0\nno newline${MARKER}1\n`);
    expect(capture.take(MARKER)?.piece.text).toBe('');
    expect(capture.take(MARKER)?.piece.text).toBe('no newline');
  });

  it('keeps a character whose bytes arrive in two chunks', () => {
    const capture = new StreamCapture();
    const bytes = Buffer.from('Zürich ✓\n');
    capture.append(bytes.subarray(0, 2)); // Z and half of ü
    capture.append(bytes.subarray(2, 9)); // the rest of ü, rich, a space, the first byte of ✓
    capture.append(Buffer.concat([bytes.subarray(9), MARKER, Buffer.from('0\n')]));
    expect(capture.take(MARKER)?.piece.text).toBe('Zürich ✓\n');
  });

  it('hands back what arrived without a marker when the session ends', () => {
    const capture = new StreamCapture();
    chunks(capture, 'partial out', 'put\n__RB_END');
    expect(capture.flush()).toEqual({ text: 'partial output\n__RB_END', truncated: false });
    expect(capture.flush()).toEqual({ text: '', truncated: false });
  });
});

describe('bounding what a noisy step keeps', () => {
  const KiB = 1024;

  it('keeps 256 KiB of head and of tail, and says how much was dropped between', () => {
    const capture = new StreamCapture();
    capture.append(Buffer.alloc(300 * KiB, 'h'));
    for (let i = 0; i < 10; i++) capture.append(Buffer.alloc(100 * KiB, 'm'));
    capture.append(Buffer.from(`${'t'.repeat(256 * KiB - 4)}end\n`));
    capture.append(Buffer.concat([MARKER, Buffer.from('0\n')]));
    const { piece } = capture.take(MARKER)!;
    const [head, note, tail] = piece.text.split('\n');
    // 300 KiB + 10 × 100 KiB + 256 KiB arrived, 256 KiB kept at each end: 1044 KiB dropped.
    expect({
      truncated: piece.truncated,
      head: head!.length === 256 * KiB && /^h+$/.test(head!),
      note,
      tail: tail!.length === 256 * KiB - 1 && /^t+end$/.test(tail!),
    }).toMatchInlineSnapshot(`
      {
        "head": true,
        "note": "[… 1069056 bytes of output not kept …]",
        "tail": true,
        "truncated": true,
      }
    `);
  });

  it('starts the next step with a clean slate', () => {
    const capture = new StreamCapture();
    capture.append(Buffer.alloc(600 * KiB, 'x'));
    capture.append(Buffer.from(`\n${MARKER}0\nsmall\n${MARKER}0\n`));
    expect(capture.take(MARKER)?.piece.truncated).toBe(true);
    expect(capture.take(MARKER)?.piece).toEqual({ text: 'small\n', truncated: false });
  });

  it('marks a truncated piece flushed after the session died', () => {
    const capture = new StreamCapture();
    capture.append(Buffer.alloc(513 * KiB, 'y'));
    const piece = capture.flush();
    expect([piece.truncated, piece.text.length, piece.text.match(/\[… (\d+) bytes/)?.[1]]).toEqual([true, 512 * KiB + '\n[… 1024 bytes of output not kept …]\n'.length, '1024']);
  });
});
