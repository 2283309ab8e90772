/**
 * Scheduling of jobs and matrix legs side by side, as GitHub runs them: a bound on the jobs running at once
 * (`--jobs N`, default the number of cores), `strategy.max-parallel` within a matrix, and job-level `concurrency`
 * groups. The engine decides what is ready (`needs`); this module only decides when it may start.
 */
import os from 'node:os';

/** Default `--jobs`: the number of cores Node may use (https://nodejs.org/api/os.html#osavailableparallelism). */
export function defaultJobs(): number {
  return os.availableParallelism();
}

/** Checks a `--jobs` / `jobs` value: a whole number ≥ 1. */
export function checkJobs(value: number, flag = 'jobs'): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${flag} expects a whole number ≥ 1 (jobs running at once), got '${value}'`);
  return value;
}

/** A counting semaphore: FIFO, so jobs start in the order they became ready. */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.used < this.limit) this.used++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // the slot passes straight to the next waiter (used stays the same)
      if (next) next();
      else this.used--;
    };
  }

  /** Runs fn holding a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/** What a job gets from its concurrency group. */
export type GroupTurn = { run: true; leave(): void } | { run: false; reason: string };

interface Holder {
  cancel(reason: string): void;
}

interface GroupState {
  running?: Holder;
  pending?: { holder: Holder; admit(turn: GroupTurn): void };
}

/**
 * Job-level `concurrency:` groups within the run. GitHub: "When a concurrent job or workflow is queued, if another job
 * or workflow using the same concurrency group in the repository is in progress, the queued job or workflow will be
 * pending. Any previously pending job or workflow in the concurrency group will be canceled. To also cancel any
 * currently running job or workflow in the same concurrency group, specify cancel-in-progress: true." and "The
 * concurrency group name is case insensitive"
 * (https://docs.github.com/en/enterprise-server@3.5/actions/using-jobs/using-concurrency, today
 * https://docs.github.com/en/actions/how-tos/write-workflows/choose-when-workflows-run/control-workflow-concurrency).
 */
export class ConcurrencyGroups {
  private readonly groups = new Map<string, GroupState>();

  /**
   * Waits for the job's turn in `group`. `holder.cancel` is called when a later job with cancel-in-progress cancels
   * this one while it runs. Resolves `{ run: false }` when a later job replaced this one while it was pending.
   */
  async enter(group: string, cancelInProgress: boolean, holder: Holder): Promise<GroupTurn> {
    const key = group.toLowerCase();
    const state = this.groups.get(key) ?? {};
    this.groups.set(key, state);
    const leaveOf = (h: Holder) => (): void => {
      if (state.running !== h) return;
      state.running = undefined;
      const next = state.pending;
      if (next) {
        state.pending = undefined;
        state.running = next.holder;
        next.admit({ run: true, leave: leaveOf(next.holder) });
      }
    };
    if (!state.running) {
      state.running = holder;
      return { run: true, leave: leaveOf(holder) };
    }
    if (state.pending) {
      state.pending.admit({
        run: false,
        reason: `a newer job of concurrency group '${group}' is waiting (only one job of a group may be pending)`
      });
      state.pending = undefined;
    }
    if (cancelInProgress)
      state.running.cancel(`cancelled: a newer job of concurrency group '${group}' has cancel-in-progress`);
    return new Promise<GroupTurn>((admit) => {
      state.pending = { holder, admit };
    });
  }
}

/**
 * Runs `count` matrix legs with at most `maxParallel` at once (`strategy.max-parallel`), starting them in index order.
 * `start(i)` runs leg i; the legs still queued when `stop()` turns true (fail-fast) get `skip(i)` instead.
 */
export async function runLegs<T>(
  count: number,
  maxParallel: number,
  start: (index: number) => Promise<T>,
  skip: (index: number) => T,
  stop: () => boolean
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = stop() ? skip(index) : await start(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(maxParallel, count)) }, worker));
  return results;
}
