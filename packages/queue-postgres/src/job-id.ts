const DIGITS = /^[1-9][0-9]{0,18}$/;
const MAX_BIGINT = 2n ** 63n - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` can name a job: a positive `bigint` in range, as the `id` column holds it. Anything else is not a
 * live lease, and is refused as such without a round trip; it must never reach a statement, where the server's
 * "out of range for type bigint" would fail every other entry of a shared statement with it.
 */
export function isJobId(id: string): boolean {
  return DIGITS.test(id) && (id.length < 19 || BigInt(id) <= MAX_BIGINT);
}

/** Whether `token` can be a lease token (a `uuid`): the same reasoning as {@link isJobId}. */
export function isLeaseToken(token: string): boolean {
  return UUID.test(token);
}
