/** A task the pool posts to a thread. */
export interface TaskMessage {
  type: 'fleet:task';
  id: number;
  payload: unknown;
}

/** A thread's answer to a task. */
export type ResultMessage = { type: 'fleet:result'; id: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

export function isTask(message: unknown): message is TaskMessage {
  return (message as TaskMessage | null)?.type === 'fleet:task';
}

export function isResult(message: unknown): message is ResultMessage {
  return (message as ResultMessage | null)?.type === 'fleet:result';
}
