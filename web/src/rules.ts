/** The rule catalogue (GET /v1/rules), loaded once after sign-in, for rule titles in either language. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { RuleTitle } from './api.ts';
import { currentLang } from './i18n.ts';

export const RulesContext = createContext<RuleTitle[]>([]);

/** The rule's title in the page's language, or its id while the catalogue is loading. */
export function useRuleTitle(): (id: string) => string {
  const rules = useContext(RulesContext);
  return (id) => {
    const rule = rules.find((r) => r.id === id);
    if (!rule) return id;
    return currentLang() === 'zh' ? rule.titleZh : rule.titleEn;
  };
}
