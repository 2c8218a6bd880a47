/**
 * The staff review page: sign-in, the queue of ledger entries, one entry with its evidence and
 * forms, the map of the division, and the submissions. Preact renders it; the API does the work.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'leaflet/dist/leaflet.css';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { api, type Me, type RuleTitle, whenSignedOut } from './api.ts';
import { currentLang, type Lang, setLang, t } from './i18n.ts';
import { ItemPage } from './pages/ItemPage.tsx';
import { MapPage } from './pages/MapPage.tsx';
import { QueuePage } from './pages/QueuePage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { SubmissionsPage } from './pages/SubmissionsPage.tsx';
import { type Route, useRoute } from './router.ts';
import { RulesContext } from './rules.ts';

function Header({ me, lang, onLang, onSignOut, route }: { me: Me; lang: Lang; onLang: () => void; onSignOut: () => void; route: Route }) {
  const link = (hash: string, label: string, active: boolean) => (
    <a href={hash} class={active ? 'active' : ''} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class="top">
      <div class="brand">{t('appName')}</div>
      <nav>
        {link('#/', t('navQueue'), route.page === 'queue' || route.page === 'item')}
        {link('#/map', t('navMap'), route.page === 'map')}
        {link('#/submissions', t('navSubmissions'), route.page === 'submissions')}
      </nav>
      <div class="who">
        <span class="actor" data-testid="actor">
          {me.actor.replace(/^user:/, '')} · {me.divisionCode} · {me.role}
        </span>
        <button type="button" class="link" onClick={onLang} lang={lang === 'zh' ? 'en' : 'zh'}>
          {t('language')}
        </button>
        <button type="button" class="link" onClick={onSignOut}>
          {t('signOut')}
        </button>
      </div>
    </header>
  );
}

function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [rules, setRules] = useState<RuleTitle[]>([]);
  const [lang, setLangState] = useState<Lang>(currentLang());
  const route = useRoute();

  useEffect(() => {
    whenSignedOut(() => {
      setMe(null);
    });
    api.me().then(setMe, () => {
      setMe(null);
    });
  }, []);
  useEffect(() => {
    if (me)
      void api.rules().then((r) => {
        setRules(r.rules);
      });
  }, [me]);

  const switchLang = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    setLang(next);
    setLangState(next);
  };
  if (me === undefined) return <p class="loading">{t('loading')}</p>;
  if (me === null) return <SignInPage onSignedIn={setMe} onLang={switchLang} />;
  const signOut = () => {
    void api.signOut().finally(() => {
      setMe(null);
    });
  };
  return (
    <RulesContext.Provider value={rules}>
      <Header me={me} lang={lang} onLang={switchLang} onSignOut={signOut} route={route} />
      <main key={lang}>
        {route.page === 'queue' && <QueuePage params={route.params} />}
        {route.page === 'item' && <ItemPage id={route.id} />}
        {route.page === 'map' && <MapPage />}
        {route.page === 'submissions' && <SubmissionsPage me={me} />}
      </main>
    </RulesContext.Provider>
  );
}

setLang(currentLang());
const root = document.getElementById('app');
if (root) render(<App />, root);
