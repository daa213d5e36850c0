import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ Menu: { buildFromTemplate: (template: unknown) => template } }));
const { buildMenu } = await import('../../electron/main/menu');

type Item = { label?: string; role?: string; submenu?: Item[] };
const roles = (menu: unknown): string[] => (menu as Item[]).flatMap((m) => [m.role ?? '', ...roles(m.submenu ?? [])]).filter(Boolean);
const actions = { openLedger: () => undefined, switchLedger: () => undefined, about: () => undefined };

describe('the application menu', () => {
  it('offers no developer tools in the installed app', () => {
    expect(roles(buildMenu(actions, false))).not.toContain('toggleDevTools');
    expect(roles(buildMenu(actions, false))).toContain('quit');
  });

  it('keeps the developer tools in a development build', () => {
    expect(roles(buildMenu(actions, true))).toContain('toggleDevTools');
  });
});
