import { type ChildProcess, fork } from 'node:child_process';
import type { Writable } from 'node:stream';
import { fleetError } from '@fleet/core';
import { backoffMs, SCOPE } from './common.js';
import { HOST_TIE_FD, hostTieExecArgv } from './host-tie.js';
import { pipePrefixed } from './line-prefix.js';

/** How a slot starts its process and when it gives up; resolved from the provider's options. */
export interface SlotConfig {
  script: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  execArgv: string[];
  drainTimeoutMs: number;
  waitReady: boolean;
  readyGraceMs: number;
  restart: { baseMs: number; maxMs: number; minUptimeMs: number; maxUnstable: number };
  output: 'prefix' | 'inherit' | 'ignore';
  stdout: Writable;
  stderr: Writable;
}

/** What a slot tells its provider. */
export interface SlotListener {
  spawn(slot: ChildSlot): void;
  ready(slot: ChildSlot): void;
  exit(slot: ChildSlot, code: number | null, signal: NodeJS.Signals | null, expected: boolean): void;
  restart(slot: ChildSlot, inMs: number): void;
  /** The script keeps exiting right after it starts: the slot stopped restarting it. */
  gaveUp(slot: ChildSlot, error: Error): void;
}

/**
 * One worker of a process fleet (`WORKER_ID` = its id): keeps a child running, restarts it with backoff when it
 * exits on its own, gives up after `maxUnstable` exits in a row that each came within `minUptimeMs` of the start
 * (so a script that crashes at start does not restart in a storm), and stops it with SIGTERM, then SIGKILL after
 * the drain timeout.
 */
export class ChildSlot {
  child?: ChildProcess;
  ready = false;
  state: 'running' | 'waiting' | 'errored' | 'stopped' = 'waiting';
  private startedAt = 0;
  private unstable = 0;
  private timer?: NodeJS.Timeout;
  private lastErrorLine = '';

  constructor(
    readonly id: string,
    private readonly config: SlotConfig,
    private readonly listener: SlotListener,
  ) {}

  /** Whether a process of this slot is alive. */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const c = this.config;
    this.state = 'running';
    this.ready = false;
    this.startedAt = Date.now();
    const output = c.output === 'inherit' ? 'inherit' : 'pipe';
    const child = fork(c.script, c.args, {
      cwd: c.cwd,
      env: { ...process.env, ...c.env, WORKER_ID: this.id },
      execArgv: [...hostTieExecArgv(c.drainTimeoutMs), ...c.execArgv],
      // The last pipe is the tie: only this process holds its other end (see host-tie.ts).
      stdio: ['ignore', output, output, 'ipc', 'pipe'],
      serialization: 'json',
    });
    this.child = child;
    child.stdio[HOST_TIE_FD]?.on('error', () => {});
    this.listener.spawn(this);
    if (c.output === 'prefix' && child.stdout && child.stderr) {
      pipePrefixed(child.stdout, c.stdout, `[${this.id}] `);
      pipePrefixed(child.stderr, c.stderr, `[${this.id}] `);
    } else {
      child.stdout?.resume();
      child.stderr?.resume();
    }
    child.stderr?.on('data', (chunk: Buffer | string) => {
      const line = String(chunk).trim().split('\n').pop();
      if (line) this.lastErrorLine = line;
    });
    child.on('message', (message) => {
      if (message === 'ready' && !this.ready && child === this.child) this.markReady();
    });
    // A spawn failure (EACCES, ENOMEM) shows as 'error' then 'exit', or as 'error' alone.
    child.on('error', (error) => {
      this.lastErrorLine = error.message;
      if (child.pid === undefined) this.exited(child, null, null);
    });
    child.on('exit', (code, signal) => this.exited(child, code, signal));
    if (!c.waitReady || c.readyGraceMs > 0) {
      const grace = c.readyGraceMs;
      if (grace === 0) this.markReady();
      else this.timer = setTimeout(() => child === this.child && this.alive && this.markReady(), grace);
    }
  }

  /**
   * Stops the slot's process: SIGTERM, then SIGKILL after `drainTimeoutMs`. Resolves once it has exited.
   * A pending restart is cancelled.
   */
  stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.timer);
    const child = this.child;
    if (!child || !this.alive) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), this.config.drainTimeoutMs);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  /** Kills the process at once (the parent is exiting). */
  killNow(): void {
    clearTimeout(this.timer);
    if (this.alive) this.child?.kill('SIGKILL');
  }

  private markReady(): void {
    this.ready = true;
    this.listener.ready(this);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    clearTimeout(this.timer);
    this.ready = false;
    const expected = this.state === 'stopped';
    this.listener.exit(this, code, signal, expected);
    if (expected || this.state !== 'running') return;
    const { baseMs, maxMs, minUptimeMs, maxUnstable } = this.config.restart;
    this.unstable = Date.now() - this.startedAt < minUptimeMs ? this.unstable + 1 : 0;
    if (this.unstable >= maxUnstable) {
      this.state = 'errored';
      const how = signal ? `signal ${signal}` : `code ${code}`;
      const last = this.lastErrorLine ? `; last stderr line: ${this.lastErrorLine}` : '';
      const message =
        `worker ${this.id} (${this.config.script}) exited ${this.unstable} times in a row within ${minUptimeMs} ms of ` +
        `starting (last exit: ${how}${last}); it is no longer restarted: fix the script, then scale it down and up`;
      this.listener.gaveUp(this, fleetError(SCOPE, 'provider-failed', message));
      return;
    }
    const wait = backoffMs(this.unstable || 1, baseMs, maxMs);
    this.state = 'waiting';
    this.listener.restart(this, wait);
    this.timer = setTimeout(() => this.state === 'waiting' && this.start(), wait);
  }
}
