/**
 * Hash routes (#/items/42): the page is one file under /app/, so a reload or a shared link works
 * without the server knowing the page's routes.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route = { page: 'queue'; params: URLSearchParams } | { page: 'item'; id: string } | { page: 'map' } | { page: 'submissions' };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const item = /^\/items\/([0-9]{1,19})$/.exec(path);
  if (item?.[1]) return { page: 'item', id: item[1] };
  if (path === '/map') return { page: 'map' };
  if (path === '/submissions') return { page: 'submissions' };
  return { page: 'queue', params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseRoute(location.hash));
    };
    addEventListener('hashchange', onChange);
    return () => {
      removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
