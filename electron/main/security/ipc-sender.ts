import type { IpcMainInvokeEvent } from 'electron';

/** Answers only the app's own page in its own window, never a frame or another origin. */
export function isTrustedSender(event: IpcMainInvokeEvent, ownUrl: () => string): boolean {
  const frame = event.senderFrame;
  return !!frame && frame.parent === null && frame.url.split('#')[0] === ownUrl().split('#')[0];
}
