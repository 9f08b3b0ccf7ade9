// Admission and account selection for one request, overlapped: neither needs the other's answer, so both
// Redis round trips travel at once, and whichever succeeded is given back if the other refuses.
import type { AccountScheduler, Acquired, AcquireRequest } from '../scheduler/account-scheduler.js';
import type { AdmissionInput, AdmissionService, AdmissionTicket } from './admission-service.js';

export interface Admitted {
  /** Absent for calls that spend nothing and so take nothing from the key's limits. */
  ticket: AdmissionTicket | undefined;
  acquired: Acquired;
}

export async function admitAndAcquire(
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
