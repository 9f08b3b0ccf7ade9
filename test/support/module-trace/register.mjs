// `node --import ./register.mjs …`: records the URL of every module the process loads, one per line, in the
// file MODULE_TRACE_FILE names. Lets a test see which parts of the server a process loaded at all.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url, { data: { file: process.env.MODULE_TRACE_FILE } });
