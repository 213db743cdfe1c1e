// Starts etcd and one kube-apiserver for all test files (they run one at a time), and hands the files the URL, CA
// and tokens through vitest's provide/inject. Without a built API server: skipped with a message outside CI, and a
// failure in CI (CI=true), where a skipped real-engine test must not pass as green.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import {
  BUILD_SCRIPT,
  findApiServer,
  freePort,
  type KubeInfo,
  keepStderr,
  makeTempDir,
  startApiServer,
  startEtcd,
  stopProcess,
  waitReady,
  writeCredentials,
} from './kube-process.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kube: KubeInfo | null;
  }
}

export default async function setup(project: TestProject) {
  const binary = findApiServer();
  if (!binary) {
    const message = `[provider-k8s] no kube-apiserver built here: run ${BUILD_SCRIPT} (as root) to test against a real API server`;
    if (process.env.CI === 'true') throw new Error(`${message}; CI must not skip these tests`);
    console.warn(`${message}; the real-server tests are skipped, the API double's run`);
    project.provide('kube', null);
    return;
  }
  const dir = makeTempDir();
  let etcd: ChildProcess | undefined;
  let api: ChildProcess | undefined;
  const teardown = async () => {
    await stopProcess(api);
    await stopProcess(etcd);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { caData, tokens } = writeCredentials(dir);
    const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    etcd = keepStderr(startEtcd(dir, clientPort, peerPort));
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    api = keepStderr(startApiServer(binary, dir, etcdUrl, apiPort));
    const server = `https://127.0.0.1:${apiPort}`;
    const started = Date.now();
    await waitReady(server, caData, tokens.admin, 120_000, api);
    console.log(`[provider-k8s] kube-apiserver ready at ${server} in ${Date.now() - started} ms (${binary})`);
    project.provide('kube', { server, caData, tokens, etcd: etcdUrl, dir, binary });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
