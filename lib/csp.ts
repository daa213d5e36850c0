/**
 * The page's Content-Security-Policy, sent by the desktop app and the HTTP server alike (and, less
 * `frame-ancestors`, which a meta tag cannot carry, repeated in renderer/index.html): the app's own
 * scripts only, no frames, no form posts elsewhere, nothing framing the page.
 */
export const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:", "font-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-src 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** The phone page's (/scan): the same, and the camera's stream and the bundled barcode decoder's WebAssembly. */
export const SCAN_PAGE_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'").replace("connect-src 'self'", "media-src 'self' blob: mediastream:; connect-src 'self'");
