// Admission and account selection for one request, overlapped: neither needs the other's answer, so both
// Redis round trips travel at once, and whichever succeeded is given back if the other refuses. Bounded: while
// Redis is known to be away the request is refused at once, and it never waits longer than a command may.
import { storeUnavailableError } from '../../errors/app-error.js';
import type { StoreHealth } from '../redis/store-health.js';
import type { AccountScheduler, Acquired, AcquireRequest } from '../scheduler/account-scheduler.js';
import type { AdmissionInput, AdmissionService, AdmissionTicket } from './admission-service.js';

export interface Admitted {
  /** Absent for calls that spend nothing and so take nothing from the key's limits. */
  ticket: AdmissionTicket | undefined;
  acquired: Acquired;
}

export interface StoreGuard {
  health: StoreHealth;
  /**
   * The longest a request waits for Redis here (the command timeout): on a frozen server commands can queue
   * behind one another, and the client must hear within this bound all the same.
   */
  deadlineMs: number;
}

export async function admitAndAcquire(
  admission: AdmissionService,
  scheduler: AccountScheduler,
  input: AdmissionInput | undefined,
  acquire: AcquireRequest,
  store: StoreGuard,
): Promise<Admitted> {
  if (store.health.down) throw storeUnavailableError();
  const work = overlapped(admission, scheduler, input, acquire);
  // Waiting in a key's queue for a free slot is not waiting for Redis: those requests are not cut short.
  if (input?.key.limits.queue) return reported(work, store.health);
  let timer: NodeJS.Timeout | undefined;
  const expired = Symbol('deadline');
  const deadline = new Promise<typeof expired>((resolve) => {
    timer = setTimeout(() => resolve(expired), store.deadlineMs);
  });
  try {
    const first = await Promise.race([reported(work, store.health), deadline]);
    if (first !== expired) return first;
  } finally {
    clearTimeout(timer);
  }
  // Too late for this client; whatever the work still takes is given back once it has it.
  store.health.markDown();
  work.then(
    ({ ticket, acquired }) => {
      if (ticket) void admission.release(ticket).catch(() => {});
      void scheduler.release(acquired.lease).catch(() => {});
    },
    () => {},
  );
  throw storeUnavailableError();
}

async function reported<T>(work: Promise<T>, health: StoreHealth): Promise<T> {
  try {
    return await work;
  } catch (error) {
    health.report(error);
    throw error;
  }
}

async function overlapped(
  admission: AdmissionService,
  scheduler: AccountScheduler,
  input: AdmissionInput | undefined,
  acquire: AcquireRequest,
): Promise<Admitted> {
  if (!input) return { ticket: undefined, acquired: await scheduler.acquire(acquire) };
  if (input.key.limits.queue) {
    // A request waiting in its key's queue must not hold an account slot meanwhile: one after the other.
    const ticket = await admission.admit(input);
    try {
      return { ticket, acquired: await scheduler.acquire(acquire) };
    } catch (error) {
      await admission.release(ticket).catch(() => {});
      throw error;
    }
  }
  // Restrictions are checked synchronously inside admit(): a refused key never reaches the scheduler.
  const [admitted, leased] = await Promise.allSettled([admission.admit(input), scheduler.acquire(acquire)]);
  if (admitted.status === 'rejected') {
    // The key's refusal (401, 403, 429, 402) is what the client needs to hear, even if no account was free.
    if (leased.status === 'fulfilled') await scheduler.release(leased.value.lease).catch(() => {});
    throw admitted.reason;
  }
  if (leased.status === 'rejected') {
    await admission.release(admitted.value).catch(() => {});
    throw leased.reason;
  }
  return { ticket: admitted.value, acquired: leased.value };
}
