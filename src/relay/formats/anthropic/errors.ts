// Anthropic clients read `{type:"error",error:{type,message}}`; a stream ends with an `error` event.
import type { ErrorShape } from '../../../errors/error-shape.js';
import { anthropicErrorShape } from '../../../errors/shapes.js';

export const anthropicErrors: ErrorShape = anthropicErrorShape;
