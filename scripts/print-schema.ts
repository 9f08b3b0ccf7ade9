// Writes the printed GraphQL schema to schema.graphql (committed; a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { printedSchema } from '../src/schema/index.js';

writeFileSync(new URL('../schema.graphql', import.meta.url), printedSchema());
