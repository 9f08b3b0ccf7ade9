// Chat Completions clients read `{error:{message,type,param,code}}`; a stream that has begun ends with the same
// object as a `data:` chunk (and no `[DONE]` after it), as OpenAI's own streams do.
import type { ErrorShape } from '../../../errors/error-shape.js';
import { openaiErrorShape } from '../../../errors/shapes.js';

export const chatErrors: ErrorShape = openaiErrorShape;
