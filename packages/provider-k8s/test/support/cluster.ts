// One face for the two backends the tests run against: the API double (always) and the real kube-apiserver (when
// built). Admin work (namespaces, Deployments, Roles, the readiness stand-in) goes through client-node with the
// admin token, on both, so the same test code runs against both.
import { AppsV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type V1Deployment } from '@kubernetes/client-node';
import type { ExplicitCluster } from '../../src/index.js';
import { ApiDouble } from './double/api-double.js';
import type { KubeInfo } from './kube-process.js';

export type TestUser = 'admin' | 'scaler' | 'reader' | 'elector';

/** An RBAC rule, as in a Role. */
export interface TestRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

export interface TestCluster {
  readonly name: string;
  /** Explicit connection settings for a user, as a provider takes them. */
  config(user: TestUser): ExplicitCluster;
  /** client-node APIs with the admin token: the "separate client" that inspects what the provider did. */
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly admin: KubeConfig;
  /** A Role with `rules` in `namespace`, bound to `user`. */
  grant(user: TestUser, namespace: string, rules: TestRule[]): Promise<void>;
  namespace(name: string): Promise<void>;
  deployment(namespace: string, name: string, replicas: number): Promise<void>;
  /** The double itself (its request log), or undefined on a real server. */
  readonly double?: ApiDouble;
}

const users: Record<TestUser, string> = { admin: 'fleet-admin', scaler: 'fleet-scaler', reader: 'fleet-reader', elector: 'fleet-elector' };

/** Loads explicit settings into a client-node KubeConfig (a fresh one, or yours: a subclass with hooks). */
export function kubeConfigOf(c: ExplicitCluster, kc = new KubeConfig()): KubeConfig {
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: c.server, caData: c.caData, skipTLSVerify: false }],
    users: [{ name: 'u', token: c.token }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

function base(name: string, config: (user: TestUser) => ExplicitCluster) {
  const admin = kubeConfigOf(config('admin'));
  const apps = admin.makeApiClient(AppsV1Api);
  return {
    name,
    config,
    admin,
    apps,
    core: admin.makeApiClient(CoreV1Api),
    async deployment(namespace: string, dname: string, replicas: number) {
      const labels = { app: dname };
      const body: V1Deployment = {
        metadata: { name: dname, namespace },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'worker', image: 'fleet/worker:test' }] } },
        },
      };
      await apps.createNamespacedDeployment({ namespace, body });
    },
  };
}

/** The real kube-apiserver started by the global setup. */
export function realCluster(info: KubeInfo): TestCluster {
  const config = (user: TestUser): ExplicitCluster => ({ server: info.server, token: info.tokens[user], caData: info.caData });
  const b = base('kube-apiserver', config);
  const rbac = b.admin.makeApiClient(RbacAuthorizationV1Api);
  let roles = 0;
  return {
    ...b,
    async namespace(name) {
      await b.core.createNamespace({ body: { metadata: { name } } });
    },
    async grant(user, namespace, rules) {
      const name = `fleet-test-${++roles}`;
      await rbac.createNamespacedRole({ namespace, body: { metadata: { name }, rules } });
      await rbac.createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: users[user] }],
        },
      });
    },
  };
}

/** A fresh API double with the same users. Call `double.stop()` when done. */
export async function doubleCluster(): Promise<TestCluster & { double: ApiDouble }> {
  const double = new ApiDouble();
  for (const user of Object.keys(users) as TestUser[]) double.addUser(`token-${user}`, users[user], user === 'admin');
  await double.start();
  const config = (user: TestUser): ExplicitCluster => ({ server: double.url, token: `token-${user}`, caData: double.caData });
  return {
    ...base('API double', config),
    double,
    async namespace() {},
    async grant(user, namespace, rules) {
      double.grant(users[user], namespace, rules);
    },
  };
}
