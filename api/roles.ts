import type { Role } from '../lib/domain/users';

export { ROLE_NAMES, ROLES, type Role, type SessionUser } from '../lib/domain/users';

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
