import { ApiFailure } from './store.js';

/** An RBAC rule as a Role has it, scoped to one namespace. */
export interface Rule {
  verbs: string[];
  /** API groups ('' is the core group). */
  apiGroups: string[];
  /** With subresources: `deployments/scale`. */
  resources: string[];
  /** Only these objects, as a Role's `resourceNames`: a request without a name (list, create) never matches. */
  resourceNames?: string[];
  namespace: string;
}

export interface User {
  name: string;
  admin: boolean;
  rules: Rule[];
}

export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
  name?: string;
}

/** The Kubernetes verb of a request. */
export function verbOf(method: string, name: string | undefined): string {
  if (method === 'GET') return name ? 'get' : 'list';
  return { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
}

/** Refuses with the API server's own 403 wording unless a rule allows the request. */
export function authorize(user: User, a: Attributes): void {
  if (user.admin) return;
  const allowed = user.rules.some(
    (r) =>
      r.namespace === a.namespace &&
      r.verbs.includes(a.verb) &&
      r.apiGroups.includes(a.group) &&
      r.resources.includes(a.resource) &&
      (!r.resourceNames?.length || (a.name !== undefined && r.resourceNames.includes(a.name))),
  );
  if (allowed) return;
  const object = `${a.resource.split('/')[0]}${a.group ? `.${a.group}` : ''}${a.name ? ` "${a.name}"` : ''}`;
  throw new ApiFailure(
    403,
    'Forbidden',
    `${object} is forbidden: User "${user.name}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}" in the namespace "${a.namespace}"`,
  );
}
