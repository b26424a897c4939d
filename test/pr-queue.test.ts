import { describe, expect, it } from 'vitest';
import { PullRequestQueue } from '../src/platforms/pr-queue.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PullRequestQueue', () => {
  it('runs one job per PR at a time; only the latest waiting job runs after it', async () => {
    const queue = new PullRequestQueue();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.enqueue('acme/deploy#1', async () => {
      order.push('first:start');
      await gate.promise;
      order.push('first:end');
    });
    const second = queue.enqueue('acme/deploy#1', async () => void order.push('second'));
    const third = queue.enqueue('acme/deploy#1', async () => void order.push('third'));
    const other = queue.enqueue('acme/deploy#2', async () => void order.push('other-pr'));
    await other;
    expect(order).toEqual(['first:start', 'other-pr']); // another PR is not held up
    gate.resolve();
    expect(await Promise.all([first, second, third])).toEqual([true, false, true]);
    expect(order).toEqual(['first:start', 'other-pr', 'first:end', 'third']);
    await queue.idle();
    expect(queue.active).toBe(0);
  });

  it('passes a job error to its caller and keeps the lane working', async () => {
    const queue = new PullRequestQueue();
    await expect(queue.enqueue('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.enqueue('k', async () => undefined)).toBe(true);
  });
});
