import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider, useI18n } from './i18n';

function Themed({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  // The calendars' month and weekday names come from dayjs, not from antd's locale.
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} button={{ autoInsertSpace: false }} theme={{ token: { borderRadius: 4, fontFamily: '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif' } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

/** Renders a page of the renderer (the app, the phone's scan page) in the user's language, with antd's theme. */
export function mount(page: ReactNode): void {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <I18nProvider>
        <Themed>{page}</Themed>
      </I18nProvider>
    </StrictMode>,
  );
}
