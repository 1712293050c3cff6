import { describe, expect, it } from 'vitest';
import { cachedLoader } from '../../../shared/pipeline/score-units.js';
import type { Activity } from '../../../shared/sources/contract.js';

function counted(sizes: Record<string, number>, failFirst: Set<string> = new Set()) {
  const calls: string[] = [];
  const load = (id: string): Promise<Activity[]> => {
    calls.push(id);
    if (failFirst.delete(id)) return Promise.reject(new Error(`read of ${id} failed`));
    return Promise.resolve(Array.from({ length: sizes[id] ?? 0 }, () => ({}) as Activity));
  };
  return { calls, load };
}

describe('binding cache of the streamed score step', () => {
  it('reads a binding from storage once however many units ask for it, within the budget', async () => {
    const { calls, load } = counted({ a: 10, b: 10 });
    const get = cachedLoader(load, 100);
    await Promise.all([get('a'), get('a'), get('b')]);
    await get('a');
    expect(calls).toEqual(['a', 'b']);
  });

  it('drops the least recently used binding once the held activities pass the budget, so memory stays bounded', async () => {
    const { calls, load } = counted({ a: 60, b: 30, c: 30 });
    const get = cachedLoader(load, 100);
    await get('a');
    await get('b');
    await get('a'); // a is now the most recently used
    await get('c'); // 120 held > 100: b, the least recently used, goes
    await get('a');
    await get('b');
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
  });

  it('does not keep a failed read, so the next unit asking for the binding reads it again', async () => {
    const { calls, load } = counted({ a: 5 }, new Set(['a']));
    const get = cachedLoader(load, 100);
    await expect(get('a')).rejects.toThrow('read of a failed');
    await expect(get('a')).resolves.toHaveLength(5);
    expect(calls).toEqual(['a', 'a']);
  });
});
