import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const fraction = (fallback: number) => z.coerce.number().gt(0).lt(1).default(fallback);

/** S2's settings, from `AUTO_SCALER_*` variables (S2's own defaults: every 5 min, 1–100 workers, 1000 mailboxes each). */
const schema = z
  .object({
    AUTO_SCALER_ENABLED: z.enum(['true', 'false']).default('true'),
    AUTO_SCALER_PLATFORM: z.enum(['local', 'manual', 'docker', 'kubernetes']).default('local'),
    AUTO_SCALER_INTERVAL_MS: int(300_000),
    AUTO_SCALER_MIN_WORKERS: int(1),
    AUTO_SCALER_MAX_WORKERS: int(100),
    AUTO_SCALER_MAILBOXES_PER_WORKER: z.coerce.number().int().positive().default(1_000),
    AUTO_SCALER_SCALE_UP_THRESHOLD: fraction(0.8),
    AUTO_SCALER_SCALE_DOWN_THRESHOLD: fraction(0.3),
    AUTO_SCALER_COOLDOWN_UP_MS: int(300_000),
    AUTO_SCALER_COOLDOWN_DOWN_MS: int(600_000),
    AUTO_SCALER_ADMIN_TOKEN: z.string().min(16, 'expected an admin token of at least 16 characters'),
    AUTO_SCALER_PORT: int(8080),
    DATABASE_URL: z.string().startsWith('postgres', 'expected a postgres:// connection string').optional(),
  })
  .refine((c) => c.AUTO_SCALER_MIN_WORKERS <= c.AUTO_SCALER_MAX_WORKERS, {
    path: ['AUTO_SCALER_MIN_WORKERS'],
    message: 'expected at most AUTO_SCALER_MAX_WORKERS',
  });

/** The parsed settings. */
export type MailWarmupConfig = z.infer<typeof schema>;

/** Parses the environment; a bad value throws one line naming the variable: `AUTO_SCALER_MAX_WORKERS: …`. */
export function parseConfig(env: NodeJS.ProcessEnv): MailWarmupConfig {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`[mail-warmup] ${issue?.path.join('.')}: ${issue?.message}`);
}
