// The cluster seal: round trip, context binding, another key refused with a clear error.
import { describe, expect, it } from 'vitest';
import { keyBytes } from './clusterKey';
import { createSealer, frame, unframe } from './sealed';

describe('cluster seal', () => {
  const a = createSealer(keyBytes('a'.repeat(64)));
  it('opens what it sealed and hides the plain bytes', () => {
    const plain = frame({ item: 'j.1' }, Buffer.from('invoice 1042'));
    const sealed = Buffer.from(a.seal(plain, 'work'));
    expect(sealed.includes(Buffer.from('invoice'))).toBe(false);
    const { header, body } = unframe<{ item: string }>(a.open(sealed, 'work'));
    expect(header.item).toBe('j.1');
    expect(body.toString()).toBe('invoice 1042');
  });
  it('refuses a message sealed for another use or with another key', () => {
    const sealed = a.seal(Buffer.from('x'), 'work');
    expect(() => a.open(sealed, 'result')).toThrow(/another cluster key/);
    const b = createSealer(keyBytes('a passphrase'));
    expect(() => b.open(sealed, 'work')).toThrow(/another cluster key/);
    expect(b.check).not.toBe(a.check);
  });
});
