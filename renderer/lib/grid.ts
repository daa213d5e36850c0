import { AllCommunityModule, ModuleRegistry, themeQuartz } from 'ag-grid-community';
import { AG_GRID_LOCALE_CN } from '@ag-grid-community/locale';
import type { Lang } from '../i18n';

ModuleRegistry.registerModules([AllCommunityModule]);

export const gridTheme = themeQuartz.withParams({ fontSize: 13, headerFontSize: 13, spacing: 6, fontFamily: 'inherit' });

export const gridLocale = (lang: Lang) => (lang === 'zh-CN' ? AG_GRID_LOCALE_CN : undefined);
