// The naive design the benchmark compares against, as S0 built it: messages in the object's key-value storage;
// a claim lists every message, keeps the pending ones, sorts them by age and takes the first.
interface Message {
  id: number;
  content: unknown;
  status: 'pending' | 'processing';
  createdAt: number;
  workerId: string | null;
}

interface KvStorage {
  list<T>(options: { prefix: string }): Promise<Map<string, T>>;
  put<T>(entries: Record<string, T>): Promise<void>;
  delete(keys: string[]): Promise<number>;
}

const key = (id: number) => `msg:${String(id).padStart(12, '0')}`;

/** S0's queue object: correct (one isolate, one claim at a time) but each claim costs O(n log n) in the depth. */
export class NaiveQueue {
  private seq = 0;

  constructor(private readonly storage: KvStorage) {}

  async enqueue(contents: unknown[]): Promise<void> {
    const now = Date.now();
    // put() takes at most 128 keys per call.
    for (let i = 0; i < contents.length; i += 128) {
      const entries: Record<string, Message> = {};
      for (const content of contents.slice(i, i + 128)) {
        const id = ++this.seq;
        entries[key(id)] = { id, content, status: 'pending', createdAt: now, workerId: null };
      }
      await this.storage.put(entries);
    }
  }

  async claimNext(workerId: string, max: number): Promise<Message[]> {
    const all = await this.storage.list<Message>({ prefix: 'msg:' });
    const pending = [...all.values()].filter((m) => m.status === 'pending').sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
    const taken = pending.slice(0, max).map((m) => ({ ...m, status: 'processing' as const, workerId }));
    await this.storage.put(Object.fromEntries(taken.map((m) => [key(m.id), m])));
    return taken;
  }

  async complete(messages: Message[]): Promise<void> {
    await this.storage.delete(messages.map((m) => key(m.id)));
  }
}
