const LIGHT_QUERY = '(prefers-color-scheme: light)';

/** Follows the OS colour scheme; dark unless the viewer asks for light (the wall is a TV first). */
export class ColorScheme {
  light = $state(false);
  #query: MediaQueryList | undefined;

  #onChange = (event: MediaQueryListEvent): void => {
    this.light = event.matches;
  };

  start(): void {
    this.#query = window.matchMedia(LIGHT_QUERY);
    this.light = this.#query.matches;
    this.#query.addEventListener('change', this.#onChange);
  }

  stop(): void {
    this.#query?.removeEventListener('change', this.#onChange);
  }
}
