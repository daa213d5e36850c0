import type { Session } from 'electron';
import { CSP } from '../../../lib/csp';

/** Sends the Content-Security-Policy with every response, on top of the page's own meta tag. */
export function enforceCsp(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}
