import { parseRoute, type Route } from './route.ts';

/** The current page, following the URL hash (links, back and forward all work without a dependency). */
export class Router {
  route = $state<Route>(parseRoute(window.location.hash));

  #onHashChange = (): void => {
    this.route = parseRoute(window.location.hash);
  };

  start(): void {
    window.addEventListener('hashchange', this.#onHashChange);
    this.#onHashChange();
  }

  stop(): void {
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  go(href: string): void {
    window.location.hash = href.replace(/^#/, '');
  }
}
