/** Who may do what. Enforced by the dispatcher on every call; the renderer only uses it to hide what would be refused. */
export const ROLES = ['admin', 'manager', 'head', 'dispatcher', 'readonly'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What an operation needs: `public` (before login), `self` (any signed-in user, about themself),
 * `read`, `edit` (the ledger), `approve` (disposals, plans), `dispatch` (tasks and plans),
 * `budget` (unit prices, replacement rules, the score checklist), `audit` (the audit log),
 * `admin` (users, backups, restore).
 */
export type Right = 'public' | 'self' | 'read' | 'edit' | 'approve' | 'dispatch' | 'budget' | 'audit' | 'admin';

const RIGHTS: Record<Role, readonly Right[]> = {
  admin: ['self', 'read', 'edit', 'approve', 'dispatch', 'budget', 'audit', 'admin'],
  manager: ['self', 'read', 'edit', 'budget'],
  head: ['self', 'read', 'approve', 'budget', 'audit'],
  dispatcher: ['self', 'read', 'dispatch'],
  readonly: ['self', 'read'],
};

export function can(role: Role, right: Right): boolean {
  return right === 'public' || RIGHTS[role].includes(right);
}

export const ROLE_NAMES: Record<Role, string> = {
  admin: '系统管理员',
  manager: '装备管理员',
  head: '局领导',
  dispatcher: '调度员',
  readonly: '只读',
};

/** The signed-in user as every layer sees it. */
export interface SessionUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** The agency whose subtree the user works in; null: the whole ledger. */
  agencyCode: string | null;
}
