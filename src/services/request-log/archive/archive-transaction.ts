// One transaction on one archive connection. Apart from archive-db.ts so that the archive's jobs can use it
// without loading pg and node-pg-migrate into processes that run no archive (they load when one is configured).
import type pg from 'pg';

/**
 * Runs `work` in one transaction on one connection. A connection that failed mid-transaction is discarded
 * rather than returned to the pool, where the next user would find it in an unknown state.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release(failure);
  }
}
