/** The part of PM2's programmatic API this package uses (pm2 is a peer dependency: its types are not required). */
export interface Pm2Api {
  connect(cb: (error?: Error | null) => void): void;
  disconnect(): void;
  start(options: Pm2AppConfig, cb: (error: Error | null, procs?: unknown) => void): void;
  restart(process: string | number, cb: (error: Error | null) => void): void;
  stop(process: string | number, cb: (error: Error | null) => void): void;
  delete(process: string | number, cb: (error: Error | null) => void): void;
  reload(process: string | number, cb: (error: Error | null) => void): void;
  scale(process: string, n: number, cb: (error: Error | null) => void): void;
  list(cb: (error: Error | null, list?: Pm2Process[]) => void): void;
}

/** A PM2 constructor (`require('pm2').custom`). */
export type Pm2Constructor = new (options: { pm2_home?: string; daemon_mode?: boolean }) => Pm2Api;

/** One entry of PM2's process list, as far as this package reads it. */
export interface Pm2Process {
  name?: string;
  pid?: number;
  pm_id?: number;
  pm2_env?: {
    status?: string;
    pm_uptime?: number;
    restart_time?: number;
    NODE_APP_INSTANCE?: number | string;
    exec_mode?: string;
    [key: string]: unknown;
  };
}

/** An app as PM2 takes it in `start` and in an ecosystem file. */
export interface Pm2AppConfig {
  name: string;
  script: string;
  args?: string[];
  cwd?: string;
  node_args?: string[];
  interpreter?: string;
  env?: Record<string, string>;
  exec_mode?: 'fork' | 'cluster';
  instances?: number;
  autorestart?: boolean;
  kill_timeout?: number;
  wait_ready?: boolean;
  listen_timeout?: number;
  min_uptime?: number;
  max_restarts?: number;
  exp_backoff_restart_delay?: number;
  shutdown_with_message?: boolean;
  merge_logs?: boolean;
  [key: string]: unknown;
}

/** Statuses that mean "asked to run" (a process starting, running, or waiting to be restarted after a crash). */
export const RUNNING_STATUSES = new Set(['online', 'launching', 'waiting restart']);
