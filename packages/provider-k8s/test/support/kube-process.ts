// Starts etcd and a real kube-apiserver on 127.0.0.1 for the tests: generated CA and serving cert (openssl),
// static tokens, RBAC, no anonymous access, no insecure port. Bounded waits; stopped by PID.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BUILD_SCRIPT = 'scripts/kube-apiserver.sh';

/** What the tests need to reach the API server; tokens by user. */
export interface KubeInfo {
  server: string;
  caData: string;
  tokens: { admin: string; scaler: string; reader: string; elector: string };
  /** For a test that runs its own API server on the same etcd and certificates. */
  etcd: string;
  dir: string;
  binary: string;
}

/** The kube-apiserver built by the script, if it was built on this machine. */
export function findApiServer(): string | undefined {
  if (process.env.FLEET_KUBE_APISERVER) return process.env.FLEET_KUBE_APISERVER;
  const root = join(process.env.FLEET_CACHE_DIR ?? '/var/cache/fleet', 'kube-apiserver');
  if (!existsSync(root)) return undefined;
  const found = readdirSync(root)
    .map((v) => join(root, v, 'kube-apiserver'))
    .filter((p) => existsSync(p));
  return found.sort().at(-1);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

const ssl = (dir: string, ...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/** A CA and a serving certificate for 127.0.0.1 in `dir` (ca.crt, server.crt, server.key); returns the CA as base64. */
export function writeTls(dir: string): string {
  ssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=fleet-test-ca',
  );
  ssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  ssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return readFileSync(join(dir, 'ca.crt')).toString('base64');
}

/** {@link writeTls}, the service-account key pair and the static token file, in `dir`. */
export function writeCredentials(dir: string): { caData: string; tokens: KubeInfo['tokens'] } {
  const caData = writeTls(dir);
  ssl(dir, 'genrsa', '-out', 'sa.key', '2048');
  ssl(dir, 'rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
  const token = () => execFileSync('openssl', ['rand', '-hex', '16']).toString().trim();
  const tokens = { admin: token(), scaler: token(), reader: token(), elector: token() };
  writeFileSync(
    join(dir, 'tokens.csv'),
    [
      `${tokens.admin},fleet-admin,1,"system:masters"`,
      `${tokens.scaler},fleet-scaler,2`,
      `${tokens.reader},fleet-reader,3`,
      `${tokens.elector},fleet-elector,4`,
    ].join('\n'),
  );
  return { caData, tokens };
}

export function startEtcd(dir: string, clientPort: number, peerPort: number): ChildProcess {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return spawn(
    'etcd',
    [
      '--name',
      'fleet',
      '--data-dir',
      join(dir, 'etcd'),
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `fleet=${peer}`,
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

export function startApiServer(binary: string, dir: string, etcd: string, port: number): ChildProcess {
  const f = (name: string) => join(dir, name);
  return spawn(
    binary,
    [
      `--etcd-servers=${etcd}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      '--insecure-port=0',
      `--tls-cert-file=${f('server.crt')}`,
      `--tls-private-key-file=${f('server.key')}`,
      `--token-auth-file=${f('tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      `--service-account-key-file=${f('sa.pub')}`,
      `--service-account-signing-key-file=${f('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      '--api-audiences=https://kubernetes.default.svc',
      '--service-cluster-ip-range=10.96.0.0/24',
      `--cert-dir=${f('certs')}`,
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      '--v=0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

/** Polls `/readyz` with the admin token until it answers 200, at most `timeoutMs`. */
export async function waitReady(server: string, caData: string, token: string, timeoutMs: number, child?: ChildProcess) {
  const { request } = await import('node:https');
  const ca = Buffer.from(caData, 'base64');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`kube-apiserver exited with ${child.exitCode}: ${tail(child)}`);
    const code = await new Promise<number>((resolve) => {
      const req = request(`${server}/readyz`, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 2_000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (e) => {
        last = e.message;
        resolve(0);
      });
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (code === 200) return;
    last ||= `status ${code}`;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`kube-apiserver at ${server} not ready within ${timeoutMs} ms (${last}): ${child ? tail(child) : ''}`);
}

const stderrOf = new WeakMap<ChildProcess, string[]>();
/** Keeps the last lines a child wrote to stderr, for error messages. */
export function keepStderr(child: ChildProcess): ChildProcess {
  const lines: string[] = [];
  stderrOf.set(child, lines);
  child.stderr?.on('data', (d: Buffer) => {
    lines.push(d.toString());
    if (lines.length > 20) lines.shift();
  });
  return child;
}
const tail = (child: ChildProcess) => (stderrOf.get(child) ?? []).join('').slice(-2_000);

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export const makeTempDir = () => mkdtempSync(join(tmpdir(), 'fleet-k8s-'));
