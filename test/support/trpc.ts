// tRPC test helpers: the refusal a client call ends in, with the error data the server formats.
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../src/trpc/router.js';

export type ClientError = TRPCClientError<AppRouter>;
export type Refusal = NonNullable<ClientError['data']> & { message: string };

/** The refusal a call ends in; fails the test when the call succeeds. */
export async function refusal(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = (error as ClientError).data;
    if (!data) throw new Error(`refusal without data: ${error.message}`);
    return { ...data, message: error.message };
  }
  throw new Error('expected the call to be refused');
}
