import { createContext, useContext } from 'react';
import { can, type Right, type SessionUser } from '../../api/roles';

export const SessionContext = createContext<SessionUser | null>(null);

/** Whether the signed-in user has a right; the backend enforces it, this only hides what would be refused. */
export function useCan(right: Right): boolean {
  const user = useContext(SessionContext);
  return !!user && can(user.role, right);
}
