import { z } from 'zod';

/**
 * A schema or queue name: lower-case letters, digits and `_`, starting with a letter or `_`, at most 48 characters
 * (so derived names such as `<schema>_jobs` stay within PostgreSQL's 63-byte identifiers). Only names that pass
 * this check are ever put into SQL text; everything else travels as a bind parameter.
 */
export const identifier = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,47}$/, 'expected a lower-case identifier: [a-z_][a-z0-9_]*, at most 48 characters');

/** Quotes an identifier that {@link identifier} accepted. */
export function quote(name: string): string {
  return `"${name}"`;
}
