import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider, useI18n } from './i18n';
import { Start } from './screens/Start';

function Root() {
  const { lang } = useI18n();
  // The calendars' month and weekday names come from dayjs, not from antd's locale.
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} button={{ autoInsertSpace: false }} theme={{ token: { borderRadius: 4, fontFamily: '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif' } }}>
      <AntApp>
        {/* The desktop app's first screen, before it works on a ledger file or on the provincial server. */}
        {window.api?.start && new URLSearchParams(location.search).get('screen') === 'start' ? <Start bridge={window.api.start} /> : <App />}
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nProvider>
      <Root />
    </I18nProvider>
  </StrictMode>,
);
