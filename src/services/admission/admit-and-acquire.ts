// Admission and account selection for one request, overlapped: neither needs the other's answer, so both
// Redis round trips travel at once, and whichever succeeded is given back if the other refuses.
import { storeUnavailableError } from '../../errors/app-error.js';
import type { StoreHealth } from '../redis/store-health.js';
import type { AccountScheduler, Acquired, AcquireRequest } from '../scheduler/account-scheduler.js';
import type { AdmissionService } from './admission-service.js';
import type { AdmissionInput, AdmissionTicket } from './admission-types.js';

export interface Admitted {
  /** Absent for calls that spend nothing and so take nothing from the key's limits. */
  ticket: AdmissionTicket | undefined;
  acquired: Acquired;
}

/**
 * While Redis is known to be away the request is refused at once, and it never waits for Redis longer than a
 * command may (see StoreHealth.guard); whatever a late admission or selection still takes is given back.
 * Waiting in a key's queue for a free slot is not waiting for Redis: those requests are not cut short.
 */
export function admitAndAcquire(
  admission: AdmissionService,
  scheduler: AccountScheduler,
  input: AdmissionInput | undefined,
  acquire: AcquireRequest,
  store: StoreHealth,
): Promise<Admitted> {
  const work = () => overlapped(admission, scheduler, input, acquire);
  if (input?.key.limits.queue) {
    if (store.down) return Promise.reject(storeUnavailableError());
    return work().catch((error: unknown) => {
      store.report(error);
      throw error;
    });
  }
  return store.guard(work, ({ ticket, acquired }) => {
    if (ticket) void admission.release(ticket).catch(() => {});
    void scheduler.release(acquired.lease).catch(() => {});
  });
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
