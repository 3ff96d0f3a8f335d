import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { POOL_SIZE, READ_RESERVE, WriteSlots } from '../src/db/database.ts';

describe('write slots: a burst of writes leaves reads their connections', () => {
  it('never runs more writes at once than its size, and runs every one, in arrival order', async () => {
    const slots = new WriteSlots(POOL_SIZE - READ_RESERVE);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const all = Array.from({ length: 40 }, (_, i) =>
      slots.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i;
      }),
    );
    // Let the writes through one by one, as connections would come back.
    while (started.length < 40 || gates.length > 0) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    assert.deepEqual(await Promise.all(all), [...Array(40).keys()]);
    assert.equal(most, POOL_SIZE - READ_RESERVE, 'the reads keep their reserve');
    assert.deepEqual(started, [...Array(40).keys()], 'in arrival order');
  });

  it('gives a failed write its slot back', async () => {
    const slots = new WriteSlots(1);
    await assert.rejects(slots.run(() => Promise.reject(new Error('refused'))));
    assert.equal(await slots.run(async () => 'next'), 'next');
  });
});
