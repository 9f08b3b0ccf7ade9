// Input pieces several routers share; the fields themselves are the services' schemas.
import { z } from 'zod';
import { pageQuerySchema } from '../services/redis/pagination.js';
import { entityIdSchema } from '../services/validation.js';

/** One record by id (a user, key, account or group). */
export const idInput = z.object({ id: entityIdSchema });

/** A page of a list; all of it optional, so `list()` takes no argument. */
export const pageInput = pageQuerySchema.prefault({});
