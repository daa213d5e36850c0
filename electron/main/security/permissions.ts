import type { Session } from 'electron';

/** Camera, microphone, geolocation, notifications…: the ledger needs none of them. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
