import { AllCommunityModule, ModuleRegistry, provideGlobalGridOptions, themeQuartz, type IOverlayComp, type IOverlayParams } from 'ag-grid-community';
import { AG_GRID_LOCALE_CN } from '@ag-grid-community/locale';
import type { Lang } from '../i18n';

ModuleRegistry.registerModules([AllCommunityModule]);

export const gridTheme = themeQuartz.withParams({ fontSize: 13, headerFontSize: 13, spacing: 6, fontFamily: 'inherit' });

/** ag-grid's own Chinese, with plainer words for an empty grid (its 无显示行 reads as machine text). */
const CN: Record<string, string> = {
  ...AG_GRID_LOCALE_CN,
  noRowsToShow: '暂无记录',
  noMatchingRows: '没有符合筛选条件的记录',
  eqlNoRowsFiltered: '没有符合筛选条件的记录(已按 {columns} 筛选,可在列标题的筛选中清除)',
};
const EN: Record<string, string> = { noRowsToShow: 'No records', noMatchingRows: 'No records match the filters', eqlNoRowsFiltered: 'No records match the filters on {columns}' };

export const gridLocale = (lang: Lang) => (lang === 'zh-CN' ? CN : EN);

/** The text of an empty grid: which column filters are on, where any are, so an empty result explains itself. */
export function emptyGridText(p: Pick<IOverlayParams, 'api'>): string {
  const words = (p.api.getGridOption('localeText') as Record<string, string> | undefined) ?? EN;
  const filtered = Object.keys(p.api.getFilterModel() ?? {}).map((id) => p.api.getColumn(id)?.getColDef().headerName ?? id);
  if (filtered.length) return (words.eqlNoRowsFiltered ?? EN.eqlNoRowsFiltered).replace('{columns}', filtered.join('、'));
  return words.noRowsToShow ?? EN.noRowsToShow;
}

class EmptyGridOverlay implements IOverlayComp {
  private readonly gui = document.createElement('span');
  init(p: IOverlayParams) {
    this.gui.className = 'ag-overlay-no-rows-center';
    this.gui.setAttribute('data-testid', 'grid-empty');
    this.refresh(p);
  }
  getGui() {
    return this.gui;
  }
  refresh(p: IOverlayParams) {
    this.gui.textContent = emptyGridText(p);
  }
}

provideGlobalGridOptions({
  overlayComponentSelector: (p) => (p.overlayType === 'noRows' || p.overlayType === 'noMatchingRows' ? { component: EmptyGridOverlay } : undefined),
});
