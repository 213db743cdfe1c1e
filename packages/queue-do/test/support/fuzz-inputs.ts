import fc from 'fast-check';

/** A field of a route's body and which values it takes; `valid` decides whether a parsed JSON value fits. */
interface Field {
  path: (string | number)[];
  kind: 'number' | 'text' | 'id' | 'payload' | 'list';
  valid: (value: unknown) => boolean;
}

const MAX_MS = 2 ** 31 - 1;
const MAX_RUN_AT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const isInt = (v: unknown, min: number, max: number) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isNum = (v: unknown, min: number, max: number, open = false) =>
  typeof v === 'number' && Number.isFinite(v) && (open ? v > min : v >= min) && v <= max;

/** The API's POST routes, a valid body of each (`LEASE` stands for a held job's id and token), and its fields. */
export const ROUTES: { action: string; body: Record<string, unknown>; fields: Field[] }[] = [
  {
    action: 'enqueue',
    body: { jobs: [{ payload: { a: [1, 'x'] }, priority: 1, runAt: 0, maxAttempts: 3, dedupKey: 'k' }], requestId: 'r-enqueue' },
    fields: [
      { path: ['jobs', 0, 'payload'], kind: 'payload', valid: () => true },
      { path: ['jobs', 0, 'priority'], kind: 'number', valid: (v) => isInt(v, -(2 ** 31), 2 ** 31 - 1) },
      { path: ['jobs', 0, 'runAt'], kind: 'number', valid: (v) => isNum(v, 0, MAX_RUN_AT) },
      { path: ['jobs', 0, 'maxAttempts'], kind: 'number', valid: (v) => isInt(v, 1, 1_000_000) },
      { path: ['jobs', 0, 'dedupKey'], kind: 'text', valid: () => false },
      { path: ['jobs'], kind: 'list', valid: () => false },
      { path: ['requestId'], kind: 'text', valid: () => false },
    ],
  },
  {
    action: 'claim-next',
    body: { workerId: 'w', max: 2, leaseMs: 1_000, requestId: 'r-claim' },
    fields: [
      { path: ['workerId'], kind: 'text', valid: () => false },
      { path: ['max'], kind: 'number', valid: (v) => isInt(v, 1, 1_000) },
      { path: ['leaseMs'], kind: 'number', valid: (v) => isNum(v, 0, MAX_MS, true) },
    ],
  },
  { action: 'complete', body: { id: 'LEASE', token: 'LEASE' }, fields: leaseFields() },
  {
    action: 'complete-batch',
    body: { jobs: [{ id: 'LEASE', token: 'LEASE' }], requestId: 'r-batch' },
    fields: [...leaseFields(['jobs', 0]), { path: ['jobs'], kind: 'list', valid: () => false }],
  },
  {
    action: 'fail',
    body: { id: 'LEASE', token: 'LEASE', error: 'e', retryInMs: 10 },
    fields: [...leaseFields(), { path: ['retryInMs'], kind: 'number', valid: (v) => isNum(v, 0, MAX_MS) }],
  },
  {
    action: 'extend',
    body: { id: 'LEASE', token: 'LEASE', leaseMs: 1_000 },
    fields: [...leaseFields(), { path: ['leaseMs'], kind: 'number', valid: (v) => isNum(v, 0, MAX_MS, true) }],
  },
  { action: 'wait', body: { timeoutMs: 0 }, fields: [{ path: ['timeoutMs'], kind: 'number', valid: (v) => isNum(v, 0, 30_000) }] },
  {
    action: 'list-dead',
    body: { limit: 10, offset: 0 },
    fields: [
      { path: ['limit'], kind: 'number', valid: (v) => isInt(v, 1, 1_000) },
      { path: ['offset'], kind: 'number', valid: (v) => isInt(v, 0, Number.MAX_SAFE_INTEGER) },
    ],
  },
  { action: 'requeue-dead', body: { ids: ['1'], requestId: 'r-requeue' }, fields: [{ path: ['ids', 0], kind: 'id', valid: () => false }] },
];

function leaseFields(at: (string | number)[] = []): Field[] {
  return [
    { path: [...at, 'id'], kind: 'id', valid: () => false },
    { path: [...at, 'token'], kind: 'text', valid: () => false },
  ];
}

/** Numbers as JSON text that no sane field takes, and text that is not JSON at all. */
const ABSURD_NUMBERS = ['1e308', '-1e308', '1e400', '-0', '-1', '0.5', '9007199254740993', '2147483648', '-2147483649', '1e17', '1e-308'];
const NOT_JSON_NUMBERS = ['NaN', 'Infinity', '-Infinity', '0x10', '01', '1.', '.5', '+1', '1e', '--1'];
const WRONG_TYPES = ['"5"', 'true', 'null', '[]', '{}', '[1]', '{"a":1}'];

/** A string with a NUL or a lone surrogate somewhere, or empty. */
const badText = fc.oneof(
  fc.constant(''),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\0', '\uD800', '\uDFFF', '\uDBFF'), fc.string({ maxLength: 20 }))
    .map(([a, b, c]) => a + b + c),
);

/** JSON text for a value the field refuses. */
function badValue(field: Field): fc.Arbitrary<string> {
  const wrongType = fc.constantFrom(...WRONG_TYPES).filter((t) => !field.valid(JSON.parse(t)));
  switch (field.kind) {
    case 'number':
      return fc.oneof(
        fc.constantFrom(...ABSURD_NUMBERS).filter((t) => !field.valid(JSON.parse(t))),
        fc.constantFrom(...NOT_JSON_NUMBERS),
        wrongType,
      );
    case 'text':
      return fc.oneof(
        badText.map((t) => JSON.stringify(t)),
        fc.constantFrom('1', 'true', 'null', '[]', `"${'x'.repeat(600)}"`),
      );
    case 'id':
      return fc.oneof(
        badText.map((t) => JSON.stringify(t)),
        fc.constantFrom('"0"', '"-1"', '"1.5"', '"12345678901234567"', '" 1"', '1', 'null'),
      );
    case 'list':
      return fc.constantFrom('[]', 'null', '{}', '"x"', '1');
    case 'payload':
      // Deeper than a job may nest (512 levels), up to far past any stack.
      return fc.integer({ min: 513, max: 50_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
  }
}

const PLACEHOLDER = '"\\u0000fuzz-placeholder\\u0000"';

/** The body with the value at `path` replaced by raw JSON text. */
function withRaw(body: Record<string, unknown>, path: (string | number)[], raw: string): string {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let here = copy;
  for (const key of path.slice(0, -1)) here = here[key] as Record<string | number, unknown>;
  here[path[path.length - 1] as string | number] = '\0fuzz-placeholder\0';
  return JSON.stringify(copy).replace(PLACEHOLDER, () => raw);
}

/** One route's valid body, broken in one way: each result is a body the route must refuse. */
export interface BadBody {
  action: string;
  body: Buffer;
  how: string;
}

/** Bodies each POST route must refuse, of every kind the API can be sent. */
export function badBodies(lease: { id: string; token: string }): fc.Arbitrary<BadBody> {
  return fc.constantFrom(...ROUTES).chain((route) => {
    const valid = JSON.parse(JSON.stringify(route.body).replaceAll('"LEASE"', '"__L__"'), (key, value) =>
      value === '__L__' ? (key === 'id' ? lease.id : lease.token) : value,
    ) as Record<string, unknown>;
    const text = JSON.stringify(valid);
    const make = (how: string, body: string | Buffer) => ({
      action: route.action,
      how,
      body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    });
    // A valid body padded with whitespace past the small routes' 16 KiB limit.
    const padded = fc
      .integer({ min: 16_385, max: 60_000 })
      .map((size) => make(`padded to ${size} bytes`, text + ' '.repeat(Math.max(0, size - text.length))));
    const small = ['claim-next', 'complete', 'extend', 'wait', 'list-dead'].includes(route.action);
    return fc.oneof(
      // A value of the wrong type or out of range, as JSON text.
      fc
        .constantFrom(...route.fields)
        .chain((field) =>
          badValue(field).map((raw) => make(`${field.path.join('.')} = ${raw.slice(0, 40)}`, withRaw(valid, field.path, raw))),
        ),
      // JSON cut short.
      fc.integer({ min: 0, max: text.length - 1 }).map((at) => make(`cut at ${at}`, text.slice(0, at))),
      // A key the route does not know.
      fc
        .string({ minLength: 1, maxLength: 30 })
        .filter((k) => !(k in valid) && !['payload', 'priority', 'runAt', 'maxAttempts', 'dedupKey', 'id', 'token'].includes(k))
        .map((key) => make(`unknown key ${JSON.stringify(key)}`, JSON.stringify({ ...valid, [key]: 1 }))),
      // Not an object.
      fc.constantFrom('[]', '"x"', '1', 'null', 'true', '', ' ', '{', '}').map((t) => make(`body ${JSON.stringify(t)}`, t)),
      // Deeply nested arrays or objects: as the whole body, or in place of any field.
      fc
        .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean(), fc.option(fc.constantFrom(...route.fields), { nil: undefined }))
        .map(([levels, objects, field]) => {
          // A payload may nest 512 levels: deeper is what it must refuse.
          const depth = field?.kind === 'payload' ? levels + 512 : levels;
          const deep = objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
          return make(`${field ? field.path.join('.') : 'body'} nested ${depth} deep`, field ? withRaw(valid, field.path, deep) : deep);
        }),
      // Bytes that are not UTF-8 inside an otherwise fine body.
      fc
        .constantFrom(0xff, 0xc0, 0xfe)
        .map((byte) => make(`byte ${byte}`, Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([byte]), Buffer.from('}')]))),
      ...(small ? [padded] : []),
    );
  });
}

/** Paths under the API's base that name no route, whatever the method. */
export const badPaths = fc.oneof(
  fc.constantFrom(
    '/queues//enqueue',
    '/queues/fuzz//enqueue',
    '/queues/fuzz/enqueue/',
    '/queues/fuzz/enqueue/x',
    '/queues/fuzz/../enqueue',
    '/queues/fuzz/%2e%2e/claim-next',
    '/queues/fuzz/enqueue/..',
    '/queues/fuzz%2Fenqueue',
    '/queues/fuzz/en%2Fqueue',
    '/queues/fuzz/claim-next%2F',
    '/queues/fuzz/%65nqueue',
    '/queues/fu%00zz/enqueue',
    '/queues/fuzz%ZZ/enqueue',
    `/queues/${'q'.repeat(129)}/stats`,
    '/queues/fuzz/',
    '/queues/',
  ),
  fc
    .stringMatching(/^[a-z-]{1,20}$/)
    .filter((a) => !ROUTES.some((r) => r.action === a) && a !== 'stats')
    .map((a) => `/queues/fuzz/${a}`),
);
