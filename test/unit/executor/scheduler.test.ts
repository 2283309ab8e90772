import {
  checkJobs,
  ConcurrencyGroups,
  defaultJobs,
  runLegs,
  Slots
} from '../../../scripts/executor/scheduler.js';
import os from 'node:os';

/** A promise with its resolve function, to finish work when the test says so. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  test('at most limit holders; waiters start in arrival order', async () => {
    const slots = new Slots(2);
    const started: string[] = [];
    const gates = { a: gate(), b: gate(), c: gate(), d: gate() };
    const work = Object.entries(gates).map(([name, g]) =>
      slots.run(async () => {
        started.push(name);
        await g.promise;
      })
    );
    await tick();
    expect(started).toEqual(['a', 'b']);
    gates.b.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    gates.a.open();
    gates.c.open();
    gates.d.open();
    await Promise.all(work);
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a release twice frees one slot only', async () => {
    const slots = new Slots(1);
    const release = await slots.acquire();
    release();
    release();
    const again = await slots.acquire();
    let third = false;
    void slots.acquire().then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    again();
    await tick();
    expect(third).toBe(true);
  });
});

describe('runLegs', () => {
  test('max-parallel bounds the legs at once; legs start in index order', async () => {
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const results = await runLegs(
      5,
      2,
      async (i) => {
        order.push(i);
        running++;
        peak = Math.max(peak, running);
        await tick();
        running--;
        return `leg ${i}`;
      },
      (i) => `skipped ${i}`,
      () => false
    );
    expect(results).toEqual(['leg 0', 'leg 1', 'leg 2', 'leg 3', 'leg 4']);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  test('once stop() is true the queued legs are skipped', async () => {
    let stop = false;
    const results = await runLegs(
      4,
      1,
      async (i) => {
        if (i === 1) stop = true;
        return `ran ${i}`;
      },
      (i) => `cancelled ${i}`,
      () => stop
    );
    expect(results).toEqual(['ran 0', 'ran 1', 'cancelled 2', 'cancelled 3']);
  });
});

describe('ConcurrencyGroups', () => {
  test('one runs, one pends; a newer one replaces the pending one; names are case-insensitive', async () => {
    const groups = new ConcurrencyGroups();
    const cancelled: string[] = [];
    const holder = (name: string) => ({ cancel: () => cancelled.push(name) });
    const first = await groups.enter('Deploy', false, holder('first'));
    expect(first.run).toBe(true);
    const second = groups.enter('deploy', false, holder('second'));
    const third = groups.enter('DEPLOY', false, holder('third'));
    const secondTurn = await second;
    expect(secondTurn.run).toBe(false);
    if (!secondTurn.run) expect(secondTurn.reason).toContain('only one job of a group may be pending');
    let thirdRan = false;
    void third.then((t) => (thirdRan = t.run));
    await tick();
    expect(thirdRan).toBe(false);
    if (first.run) first.leave();
    await tick();
    expect(thirdRan).toBe(true);
    expect(cancelled).toEqual([]);
  });

  test('cancel-in-progress cancels the running job, which still leaves before the newer one runs', async () => {
    const groups = new ConcurrencyGroups();
    const reasons: string[] = [];
    const first = await groups.enter('g', false, { cancel: (r) => reasons.push(r) });
    const newer = groups.enter('g', true, { cancel: () => undefined });
    expect(reasons).toEqual(["cancelled: a newer job of concurrency group 'g' has cancel-in-progress"]);
    let ran = false;
    void newer.then((t) => (ran = t.run));
    await tick();
    expect(ran).toBe(false);
    if (first.run) first.leave();
    await tick();
    expect(ran).toBe(true);
  });

  test('different groups do not wait for each other', async () => {
    const groups = new ConcurrencyGroups();
    const h = { cancel: () => undefined };
    expect((await groups.enter('a', false, h)).run).toBe(true);
    expect((await groups.enter('b', false, h)).run).toBe(true);
  });
});

test('jobs: default the cores; only whole numbers ≥ 1', () => {
  expect(defaultJobs()).toBe(os.availableParallelism());
  expect(checkJobs(3)).toBe(3);
  for (const bad of [0, -1, 1.5, Number.NaN])
    expect(() => checkJobs(bad)).toThrow('jobs expects a whole number ≥ 1');
});
