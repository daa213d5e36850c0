import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openLedger: () => void;
  /** Back to the first screen: the ledger on this machine, or the provincial server. */
  switchLedger: () => void;
  about: () => void;
}

/** The application menu, in Chinese; the developer tools only in a development build, never in the installed app. */
export function buildMenu(actions: MenuActions, devTools: boolean): Menu {
  const template: MenuItemConstructorOptions[] = [
    {
      label: '文件',
      submenu: [
        { label: '打开台账文件…', accelerator: 'CmdOrCtrl+O', click: actions.openLedger },
        { label: '切换台账(本机 / 省级服务器)…', click: actions.switchLedger },
        { type: 'separator' },
        { label: '退出', role: 'quit' },
      ],
    },
    {
      label: '编辑',
      submenu: [
        { label: '撤销', role: 'undo' }, { label: '重做', role: 'redo' }, { type: 'separator' },
        { label: '剪切', role: 'cut' }, { label: '复制', role: 'copy' }, { label: '粘贴', role: 'paste' }, { label: '全选', role: 'selectAll' },
      ],
    },
    {
      label: '视图',
      submenu: [
        { label: '重新加载', role: 'reload' }, ...(devTools ? [{ label: '开发者工具', role: 'toggleDevTools' } as const] : []), { type: 'separator' },
        { label: '实际大小', role: 'resetZoom' }, { label: '放大', role: 'zoomIn' }, { label: '缩小', role: 'zoomOut' }, { type: 'separator' },
        { label: '全屏', role: 'togglefullscreen' },
      ],
    },
    { label: '帮助', submenu: [{ label: '关于执法装备台账', click: actions.about }] },
  ];
  return Menu.buildFromTemplate(template);
}
