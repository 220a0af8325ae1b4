import { describe, expect, it } from 'vitest';
import { cer } from '../server/testkit/cer';
import { classifyEdits } from './errorClasses';

describe('classifyEdits', () => {
  it('counts lost and added members of runs as repeats', () => {
    expect(classifyEdits('Loading... done', 'Loading.. done')).toEqual({ repeats: 1, 'look-alikes': 0, other: 0 });
    expect(classifyEdits('ls --all', 'ls -all')).toEqual({ repeats: 1, 'look-alikes': 0, other: 0 });
    expect(classifyEdits('等待……完成', '等待....完成')).toEqual({ repeats: 2, 'look-alikes': 0, other: 0 });
    expect(classifyEdits('a = b', 'a == b')).toEqual({ repeats: 1, 'look-alikes': 0, other: 0 });
  });

  it('counts similar glyphs as look-alikes and the rest as other', () => {
    expect(classifyEdits('ls --files0-from', 'Is --filesO-from')).toEqual({ repeats: 0, 'look-alikes': 2, other: 0 });
    expect(classifyEdits('tar {A|c|d}', 'tar (A|C|d]')).toEqual({ repeats: 0, 'look-alikes': 3, other: 0 });
    expect(classifyEdits('null value', 'nu11 valve')).toEqual({ repeats: 0, 'look-alikes': 2, other: 1 });
    expect(classifyEdits('house cat', 'horse cart')).toEqual({ repeats: 0, 'look-alikes': 0, other: 2 });
  });

  it('adds up to the edits CER counts', () => {
    const pairs: Array<[string, string]> = [
      ['du --files0-from=F ...', 'du -filesO-from=F ..'],
      ['合计……100元', '合计..1OO元'],
      ['', 'stray'],
      ['lost', ''],
    ];
    for (const [t, p] of pairs) {
      const e = classifyEdits(t, p);
      expect(e.repeats + e['look-alikes'] + e.other).toBe(cer(t, p).edits);
    }
  });
});
