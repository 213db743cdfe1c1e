/** Codes the object answers with; the Node client turns them into FleetErrors of the same code. */
export type QueueErrorCode =
  | 'invalid-input'
  | 'lease-lost'
  | 'idempotency-conflict'
  | 'body-too-large'
  | 'unauthorized'
  | 'not-found'
  | 'misconfigured';

const statusOf: Record<QueueErrorCode, number> = {
  'invalid-input': 400,
  unauthorized: 401,
  'not-found': 404,
  'lease-lost': 409,
  'idempotency-conflict': 409,
  'body-too-large': 413,
  misconfigured: 500,
};

/** An error the object turns into a JSON answer `{ success: false, error: { code, message } }`. */
export class QueueError extends Error {
  override readonly name = 'QueueError';
  readonly status: number;

  constructor(
    readonly code: QueueErrorCode,
    message: string,
  ) {
    super(`[fleet] [queue-do] ${message}`);
    this.status = statusOf[code];
  }
}
