import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { badRequest, type FieldError } from './http/problem.js';

/**
 * The single source of truth for request and response shapes: ajv compiles these to validate
 * requests, and `openApiDocument` publishes the same objects as OpenAPI 3.1 (JSON Schema 2020-12
 * compatible subset).
 */
const priority = { type: 'string', enum: ['low', 'medium', 'high'] } as const;
// PostgreSQL text cannot hold NUL, so every stored string refuses it up front with a field error.
const NO_NUL = '^[^\\u0000]*$';
const tags = {
  type: 'array',
  maxItems: 20,
  uniqueItems: true,
  items: { type: 'string', minLength: 1, maxLength: 40, pattern: NO_NUL },
} as const;
const dueAt = { type: ['string', 'null'], format: 'date-time' } as const;
// Something a person can see: not only whitespace, controls, format characters (zero-width space
// and joiners, bidi marks) or other default-ignorable code points (Hangul filler, variation selectors).
const VISIBLE = '[^\\s\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}\\u2800]';
// Two linear patterns, not one clever one: a combined regex backtracks quadratically on 64 KiB of spaces.
const title = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  allOf: [{ pattern: NO_NUL }, { pattern: VISIBLE }],
  description: 'Length in Unicode code points (1–200), the one way titles are counted; must contain a visible character.',
} as const;
const description = { type: 'string', maxLength: 2000, pattern: NO_NUL } as const;
const chatMessageIn = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'text'],
  properties: {
    role: { type: 'string', enum: ['user', 'assistant'] },
    text: { type: 'string', minLength: 1, maxLength: 4000, pattern: NO_NUL },
  },
} as const;

export const schemas = {
  Credentials: {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'password'],
    properties: {
      email: { type: 'string', format: 'email', maxLength: 254, pattern: NO_NUL },
      password: { type: 'string', minLength: 8, maxLength: 256 },
    },
  },
  Token: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
  Me: {
    type: 'object',
    required: ['id', 'email', 'createdAt'],
    properties: { id: { type: 'string', format: 'uuid' }, email: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } },
  },
  TaskCreate: {
    type: 'object',
    additionalProperties: false,
    required: ['title'],
    properties: { title, description, dueAt, priority, tags },
  },
  TaskPatch: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: { title, description, completed: { type: 'boolean' }, dueAt, priority, tags },
  },
  Task: {
    type: 'object',
    required: ['id', 'title', 'description', 'completed', 'dueAt', 'priority', 'tags', 'createdAt', 'updatedAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      title,
      description,
      completed: { type: 'boolean' },
      dueAt,
      priority,
      tags,
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  TaskQuery: {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['all', 'pending', 'completed'], default: 'all' },
      q: { type: 'string', maxLength: 200, pattern: NO_NUL },
      limit: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
      cursor: { type: 'string', maxLength: 200 },
    },
  },
  TaskId: { type: 'string', format: 'uuid' },
  ChatMessageIn: chatMessageIn,
  ChatAppend: {
    type: 'object',
    additionalProperties: false,
    required: ['messages'],
    properties: { messages: { type: 'array', minItems: 1, maxItems: 10, items: chatMessageIn } },
  },
  ChatQuery: {
    type: 'object',
    additionalProperties: false,
    properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  },
  ChatMessage: {
    type: 'object',
    required: ['id', 'role', 'text', 'createdAt'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      role: { type: 'string', enum: ['user', 'assistant'] },
      text: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
    },
  },
  Problem: {
    type: 'object',
    required: ['type', 'title', 'status'],
    properties: {
      type: { type: 'string' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      errors: {
        type: 'array',
        items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  },
} as const;

export type SchemaName = keyof typeof schemas;

// Query strings arrive as text: coerceTypes turns "20" into 20 for `limit` (bodies are JSON and
// are validated without coercion by the second instance).
const bodyAjv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false, useDefaults: false });
const queryAjv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: true, useDefaults: true });
for (const ajv of [bodyAjv, queryAjv]) {
  addFormats.default(ajv, ['date-time', 'email', 'uuid']);
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema(schema, name);
}

const cache = new Map<string, ValidateFunction>();
function validatorFor(name: SchemaName, coerce: boolean): ValidateFunction {
  const key = `${coerce}:${name}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = (coerce ? queryAjv : bodyAjv).getSchema(name)!;
    cache.set(key, validate);
  }
  return validate;
}

function fieldErrors(errors: readonly ErrorObject[], root: string): FieldError[] {
  return errors.map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? `/${(e.params as { additionalProperty: string }).additionalProperty}`
        : e.keyword === 'required'
          ? `/${(e.params as { missingProperty: string }).missingProperty}`
          : '';
    const field = `${root}${e.instancePath}${extra}` || '/';
    const message = e.keyword === 'additionalProperties' ? 'is not an allowed field' : (e.message ?? 'is invalid');
    return { field, message };
  });
}

/** Validates a JSON body against a named schema; throws 400 with field errors. */
export function validateBody<T>(name: SchemaName, body: unknown): T {
  const validate = validatorFor(name, false);
  if (!validate(body)) throw badRequest('The request body is invalid.', fieldErrors(validate.errors ?? [], ''));
  return body as T;
}

/** Validates (and coerces) query parameters; throws 400 naming each bad parameter. */
export function validateQuery<T>(name: SchemaName, query: Record<string, unknown>): T {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) copy[key] = value;
  const validate = validatorFor(name, true);
  if (!validate(copy)) {
    throw badRequest(
      'The query string is invalid.',
      fieldErrors(validate.errors ?? [], '').map((e) => ({ ...e, field: `query${e.field}` })),
    );
  }
  return copy as T;
}

export function validateId(id: string): string {
  const validate = validatorFor('TaskId', false);
  if (!validate(id)) throw badRequest('The id is not a valid UUID.', [{ field: 'path/id', message: 'must be a UUID' }]);
  return id;
}

const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: SchemaName) => ({ content: { 'application/json': { schema: ref(name) } } });
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const errors = {
  400: problem('Invalid input, with field errors'),
  401: problem('Missing or invalid bearer token'),
  413: problem('Body over 64 KiB'),
  415: problem('Body is not application/json'),
  429: problem('Rate limited; see Retry-After'),
  503: problem('Database unavailable'),
};
const queryParams = (name: 'TaskQuery' | 'ChatQuery') =>
  Object.entries(schemas[name].properties).map(([param, schema]) => ({ name: param, in: 'query', required: false, schema }));
const idParam = { name: 'id', in: 'path', required: true, schema: ref('TaskId') };
const secured = [{ bearer: [] }];

/** OpenAPI 3.1, built from the very schema objects ajv validates with. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'todo-api', version: '1.0.0', description: 'Tasks, accounts and chat history of the todo platform.' },
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths: {
      '/api/auth/register': {
        post: {
          requestBody: { required: true, ...json('Credentials') },
          responses: { 201: { description: 'Registered', ...json('Token') }, 409: problem('Email already registered'), ...errors },
        },
      },
      '/api/auth/login': {
        post: {
          requestBody: { required: true, ...json('Credentials') },
          responses: { 200: { description: 'Logged in', ...json('Token') }, ...errors },
        },
      },
      '/api/me': { get: { security: secured, responses: { 200: { description: 'The caller', ...json('Me') }, ...errors } } },
      '/api/tasks': {
        get: {
          security: secured,
          parameters: queryParams('TaskQuery'),
          responses: {
            200: {
              description: 'A page of tasks, oldest first',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['items', 'nextCursor'],
                    properties: { items: { type: 'array', items: ref('Task') }, nextCursor: { type: ['string', 'null'] } },
                  },
                },
              },
            },
            ...errors,
          },
        },
        post: {
          security: secured,
          requestBody: { required: true, ...json('TaskCreate') },
          responses: { 201: { description: 'Created', ...json('Task') }, ...errors },
        },
      },
      '/api/tasks/{id}': {
        get: {
          security: secured,
          parameters: [idParam],
          responses: { 200: { description: 'The task', ...json('Task') }, 404: problem('No such task for this user'), ...errors },
        },
        patch: {
          security: secured,
          parameters: [idParam],
          requestBody: { required: true, ...json('TaskPatch') },
          responses: { 200: { description: 'Updated', ...json('Task') }, 404: problem('No such task for this user'), ...errors },
        },
        delete: {
          security: secured,
          parameters: [idParam],
          responses: { 204: { description: 'Deleted' }, 404: problem('No such task for this user'), ...errors },
        },
      },
      '/api/chat/messages': {
        get: {
          security: secured,
          parameters: queryParams('ChatQuery'),
          responses: {
            200: {
              description: 'The last messages, oldest first',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['messages'],
                    properties: { messages: { type: 'array', items: ref('ChatMessage') } },
                  },
                },
              },
            },
            ...errors,
          },
        },
        post: {
          security: secured,
          requestBody: { required: true, ...json('ChatAppend') },
          responses: {
            201: {
              description: 'Appended',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['messages'],
                    properties: { messages: { type: 'array', items: ref('ChatMessage') } },
                  },
                },
              },
            },
            ...errors,
          },
        },
      },
      '/api/events': {
        get: {
          security: secured,
          responses: {
            200: {
              description: 'Server-sent events: `tasks-changed` with data {reason, taskId}',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors,
          },
        },
      },
      '/.well-known/jwks.json': {
        get: {
          responses: {
            200: { description: 'Public JWT verification keys', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/livez': { get: { responses: { 200: { description: 'Process alive' } } } },
      '/readyz': {
        get: { responses: { 200: { description: 'Database reachable' }, 503: problem('Starting, draining or database unreachable') } },
      },
      '/metrics': {
        get: { responses: { 200: { description: 'Prometheus metrics', content: { 'text/plain': { schema: { type: 'string' } } } } } },
      },
    },
  };
}
