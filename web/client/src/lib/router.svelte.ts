import { parseHash, type Route } from './routes';

export const router = $state<{ route: Route }>({ route: parseHash(location.hash) });

window.addEventListener('hashchange', () => {
  router.route = parseHash(location.hash);
});

/** Go to a hash route; `replace` keeps redirects (login → home) out of the back stack. */
export function navigate(hash: string, replace = false): void {
  if (replace) {
    history.replaceState(null, '', hash);
    router.route = parseHash(hash);
  } else {
    location.hash = hash;
  }
}
