/**
 * Whether a statement failed on something in its data (a value, a constraint, a trigger's exception), so the
 * entries of a shared statement may still succeed apart. Only errors the server raised qualify, and not those that
 * say the server or the connection is away or out of resources (classes 08, 53, 57, 58, XX): there, splitting a
 * batch would only send more statements that fail the same way.
 */
export function failedOnData(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  if (typeof severity !== 'string' || typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return false;
  return !['08', '53', '57', '58', 'XX'].includes(code.slice(0, 2));
}
