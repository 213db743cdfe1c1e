import {
  type ConfigurationOptions,
  type ObservableMiddleware,
  PatchStrategy,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

// client-node's object-style APIs take its internal Observable middleware, whose class it does not export; it only
// ever calls `toPromise()` on what `pre`/`post` return (see its generated `mergeMap`), so a resolved value will do.
const done = <T>(value: T) => ({ toPromise: () => Promise.resolve(value) }) as unknown as ReturnType<ObservableMiddleware['pre']>;

/**
 * Per-call client-node options: the caller's AbortSignal joined with a timeout (client-node's fetch has none of
 * its own, so a server that accepts and never answers would hang a tick), and, for a patch, the merge-patch type.
 */
export function callOptions(signal: AbortSignal, timeoutMs: number, patch = false): ConfigurationOptions {
  const joined = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const middleware: ObservableMiddleware = {
    pre: (context: RequestContext) => {
      context.setSignal(joined);
      if (patch) context.setHeaderParam('Content-Type', PatchStrategy.MergePatch);
      return done(context);
    },
    post: (response: ResponseContext) => done(response) as unknown as ReturnType<ObservableMiddleware['post']>,
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
