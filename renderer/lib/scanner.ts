import { useEffect, useRef } from 'react';

/** A USB scanner types a whole code at a few ms a key; a person, however quick, takes near 100 ms a key. */
const SCANNER_MEAN_GAP_MS = 40;
/** A pause this long ends a burst (one slow key among fast ones, the page busy for a moment, does not). */
const BURST_BREAK_MS = 150;
/** The shortest code taken as a scan (a stray key and Enter is not one). */
const SHORTEST = 3;

/** Where a person types: keys there are theirs, never taken for a scan. The scan box is marked with data-scan-box. */
function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('[data-scan-box]')) return false;
  return target.isContentEditable || !!target.closest('input, textarea, select, [role="combobox"], [role="textbox"], [contenteditable="true"]');
}

/** Keeps the keys of one burst: none more than BURST_BREAK_MS after the one before. */
export class KeyBurst {
  private chars = '';
  private first = 0;
  private last = -Infinity;

  key(ch: string, at: number): void {
    if (at - this.last > BURST_BREAK_MS) (this.chars = '', this.first = at);
    this.chars += ch;
    this.last = at;
  }

  /** The code typed at a scanner's pace and ended by Enter at `at`, or null; the burst is over either way. */
  take(at: number): string | null {
    const n = this.chars.length;
    const fast = n >= SHORTEST && at - this.last <= BURST_BREAK_MS && (at - this.first) / n <= SCANNER_MEAN_GAP_MS;
    const code = fast ? this.chars : null;
    this.chars = '';
    this.last = -Infinity;
    return code;
  }
}

/**
 * Takes what a USB scanner types anywhere on the screen (a burst of keys, then Enter) while `enabled`, and hands
 * the code on. Keys typed into an input, a select or a text area other than the scan box are left alone; in the
 * scan box the box itself takes the code, and `wasScanner` says whether its last Enter ended a scanner's burst.
 */
export function useScanner(enabled: boolean, onCode: (code: string) => void): { wasScanner: () => boolean } {
  const burst = useRef(new KeyBurst());
  const lastInBox = useRef(false);
  const handler = useRef(onCode);
  handler.current = onCode;
  useEffect(() => {
    if (!enabled) return;
    const down = (e: KeyboardEvent) => {
      if (e.isComposing || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typingInto(e.target)) return;
      const inBox = e.target instanceof HTMLElement && !!e.target.closest('[data-scan-box]');
      if (e.key === 'Enter') {
        const code = burst.current.take(e.timeStamp);
        lastInBox.current = inBox && code !== null;
        if (code === null || inBox) return;
        // The burst was a scanner's: its Enter must not also press the button that has the focus.
        e.preventDefault();
        e.stopPropagation();
        handler.current(code);
        return;
      }
      if (e.key.length === 1) burst.current.key(e.key, e.timeStamp);
    };
    window.addEventListener('keydown', down, true);
    return () => window.removeEventListener('keydown', down, true);
  }, [enabled]);
  return { wasScanner: () => lastInBox.current };
}
