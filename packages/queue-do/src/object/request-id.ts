/**
 * A fresh idempotency key that sorts by time: the object files keys in a B-tree, and keys that arrive in about the
 * order they sort land on the same few pages, where random ones would dirty a page of their own each.
 * Web Crypto only, so both the Node client and code inside a Worker can make one.
 */
export function newRequestId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${crypto.randomUUID()}`;
}
