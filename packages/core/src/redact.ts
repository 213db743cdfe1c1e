/** `scheme://user:password@` or `scheme://token@`: the user info of a URL. */
const userInfo = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
/** `?key=value` and `&key=value`: a query value, where API keys and signatures travel. */
const queryValue = /([?&][^\s=&#?]+=)[^\s&#"'<>]*/g;

/**
 * Replaces the secrets a message may quote with `***`: the user info of every URL (`postgres://user:pw@host` becomes
 * `postgres://***@host`) and every query value (`?api_key=abc` becomes `?api_key=***`). Every error message that
 * `@fleet` writes passes through it, so `/status`, events and logs never carry a credential.
 */
export function redactSecrets(text: string): string {
  return text.replace(userInfo, '$1***@').replace(queryValue, '$1***');
}
