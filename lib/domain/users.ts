/** Who may do what. Enforced by the dispatcher on every call; the renderer only uses it to hide what would be refused. */
export const ROLES = ['admin', 'manager', 'head', 'dispatcher', 'readonly'] as const;
export type Role = (typeof ROLES)[number];

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

export interface UserRow extends SessionUser {
  active: boolean;
  createdAt: string;
}
