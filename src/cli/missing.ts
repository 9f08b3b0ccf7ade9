// Reads where a missing record is an answer rather than an error (a deleted group member, usage of a deleted key).
import { isAppError } from '../errors/app-error.js';

/** The value read, or undefined when the control plane says the record does not exist. */
export async function unlessMissing<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') return undefined;
    throw error;
  }
}
