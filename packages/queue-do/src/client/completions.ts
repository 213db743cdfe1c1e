import { type FleetErrorCode, fleetError } from '@fleet/core';

interface Pending {
  id: string;
  token: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

type Send = (jobs: { id: string; token: string }[]) => Promise<{ ok: boolean; code?: string; message?: string }[]>;

/**
 * Gathers the completes a worker issues in one turn of the event loop (a batch it just finished) into one
 * `/complete-batch` request; a lone complete goes alone. Each caller still gets its own outcome.
 */
export class CompletionBatcher {
  private pending: Pending[] = [];

  constructor(
    private readonly one: (job: { id: string; token: string }) => Promise<void>,
    private readonly many: Send,
    private readonly scope: string,
  ) {}

  add(job: { id: string; token: string }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ ...job, resolve, reject });
      if (this.pending.length === 1) queueMicrotask(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 1) {
      const [only] = batch as [Pending];
      return this.one(only).then(only.resolve, only.reject);
    }
    try {
      const results = await this.many(batch.map(({ id, token }) => ({ id, token })));
      for (const [i, job] of batch.entries()) {
        const result = results[i];
        if (result?.ok) {
          job.resolve();
          continue;
        }
        const code = (result?.code === 'lease-lost' ? 'lease-lost' : 'provider-failed') satisfies FleetErrorCode;
        const message = (result?.message ?? 'no answer for this job').replace(/^\[fleet\] \[queue-do\] /, '');
        job.reject(fleetError('queue-do', code, `${this.scope}: ${message}`));
      }
    } catch (error) {
      for (const job of batch) job.reject(error);
    }
  }
}
