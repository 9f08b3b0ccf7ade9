// Gemini's two schema dialects read as the canonical JSON Schema. `parameters` and `responseSchema` are Google's
// OpenAPI 3.0 subset (upper-case `type` values, `nullable`); `parametersJsonSchema` and `responseJsonSchema` are
// JSON Schema, yet Gemini CLI sends upper-case types there too (its router's `responseJsonSchema`) and Google
// takes them, where other providers would refuse. Only schema positions are walked: an `enum`, `default` or
// `example` value is data and stays as written.
import { record } from '../../formats/json-values.js';

/** Google's `Type` enum; JSON Schema spells the same types in lower case. */
const GOOGLE_TYPES: Readonly<Record<string, string>> = {
  STRING: 'string',
  NUMBER: 'number',
  INTEGER: 'integer',
  BOOLEAN: 'boolean',
  ARRAY: 'array',
  OBJECT: 'object',
  NULL: 'null',
};

const ONE_SCHEMA = [
  'items',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
];
const SCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];

/** A JSON Schema object from either dialect; anything that is not an object reads as an empty object schema. */
export function jsonSchemaOf(value: unknown): Record<string, unknown> {
  const schema = record(value);
  return schema ? convert(schema) : { type: 'object', properties: {} };
}

function convert(schema: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'type') {
      const type = typeName(value);
      if (type !== undefined) out.type = type;
    } else if (key === 'nullable') {
      // OpenAPI's `nullable: true` is JSON Schema's `null` among the types; applied once the type is read.
    } else if (ONE_SCHEMA.includes(key)) {
      const inner = record(value);
      out[key] = inner ? convert(inner) : value;
    } else if (SCHEMA_MAPS.includes(key)) {
      const map = record(value);
      out[key] = map
        ? Object.fromEntries(Object.entries(map).map(([name, inner]) => [name, convertAny(inner)]))
        : value;
    } else if (SCHEMA_LISTS.includes(key)) {
      out[key] = Array.isArray(value) ? value.map(convertAny) : value;
    } else {
      out[key] = value;
    }
  }
  if (schema.nullable === true) addNull(out);
  return out;
}

function convertAny(value: unknown): unknown {
  const schema = record(value);
  return schema ? convert(schema) : value;
}

function typeName(value: unknown): unknown {
  if (typeof value === 'string') {
    if (value === 'TYPE_UNSPECIFIED') return undefined;
    return GOOGLE_TYPES[value] ?? value;
  }
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? (GOOGLE_TYPES[item] ?? item) : item));
  return value;
}

function addNull(schema: Record<string, unknown>): void {
  const type = schema.type;
  if (typeof type === 'string') schema.type = type === 'null' ? type : [type, 'null'];
  else if (Array.isArray(type) && !type.includes('null')) schema.type = [...type, 'null'];
  else if (type === undefined && Array.isArray(schema.anyOf))
    schema.anyOf = [...schema.anyOf, { type: 'null' }];
}
