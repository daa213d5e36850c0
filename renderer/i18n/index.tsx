import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export type Lang = 'zh-CN' | 'en';
const DICTS: Record<Lang, Messages> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'eql.lang';

export type T = (key: keyof Messages, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: T;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN'));
  const value = useMemo<I18n>(() => {
    const dict = DICTS[lang];
    return {
      lang,
      setLang: (l) => {
        localStorage.setItem(STORAGE_KEY, l);
        setLangState(l);
      },
      t: (key, vars) => dict[key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars?.[k] ?? '')),
    };
  }, [lang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
