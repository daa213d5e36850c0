import type { WebContents } from 'electron';

/** The app never navigates away from its own page nor opens new windows; links go nowhere. */
export function blockNavigation(contents: WebContents, ownUrl: () => string): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== ownUrl()) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
