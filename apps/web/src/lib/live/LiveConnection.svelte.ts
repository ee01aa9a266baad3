import { isServerMessage, type ClientMessage, type ServerMessage } from '@northstar/shared';
import { SILENCE_TIMEOUT_MS, reconnectDelayMs, resumeUrl, stateWhileRetrying, type ConnectionState } from './reconnectPolicy.ts';

export interface LiveConnectionOptions {
  url: string;
  onMessage: (msg: ServerMessage) => void;
  /**
   * After a reconnect: the `resume` to send (token, applied sequence numbers, the scope
   * wanted now), or null to start afresh. Asked when the socket opens, so it is current.
   */
  resume?: () => ClientMessage | null;
  /** What to send when a socket opens without resuming (the subscriptions the page wants); asked then. */
  greeting?: () => ClientMessage[];
  /** Injected in tests; the browser's WebSocket otherwise. */
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
}

/** How often the silence watchdog looks at the socket; well under SILENCE_TIMEOUT_MS. */
const WATCHDOG_INTERVAL_MS = 1_000;

/** `ws://host/ws` or `wss://host/ws`, matching how the page itself was served. */
export function liveUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

/**
 * One WebSocket to the server that reopens itself. It never clears what the wall shows:
 * it only forwards messages, and the next snapshot replaces the old state.
 */
export class LiveConnection {
  state = $state<ConnectionState>('connecting');
  /** Epoch ms (browser clock) of the newest message, or null before the first. */
  lastMessageAt = $state<number | null>(null);

  readonly #options: LiveConnectionOptions;
  #socket: WebSocket | null = null;
  #socketLive = false;
  #lastActivityAt = 0;
  #failures = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #watchdog: ReturnType<typeof setInterval> | undefined;
  #running = false;
  /** Set once any socket got a message from the server; reconnects after that resume. */
  #everLive = false;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    window.addEventListener('online', this.#handleOnline);
    window.addEventListener('offline', this.#handleOffline);
    this.#watchdog = setInterval(this.#checkSilence, WATCHDOG_INTERVAL_MS);
    this.#open();
  }

  stop(): void {
    this.#running = false;
    window.removeEventListener('online', this.#handleOnline);
    window.removeEventListener('offline', this.#handleOffline);
    clearInterval(this.#watchdog);
    clearTimeout(this.#retryTimer);
    this.#discardSocket();
  }

  #open(): void {
    this.#retryTimer = undefined;
    if (!this.#running) return;
    if (!navigator.onLine) {
      this.#scheduleRetry();
      return;
    }
    const create = this.#options.createSocket ?? ((url: string) => new WebSocket(url));
    // asked now to choose the URL, and again when the socket opens, for the newest numbers
    const resuming = this.#everLive && (this.#options.resume?.() ?? null) !== null;
    let socket: WebSocket;
    try {
      socket = create(resuming ? resumeUrl(this.#options.url) : this.#options.url);
    } catch {
      this.#failures += 1;
      this.#scheduleRetry();
      return;
    }
    this.#socket = socket;
    this.#socketLive = false;
    this.#lastActivityAt = Date.now();
    socket.onmessage = (event: MessageEvent) => {
      if (socket === this.#socket) this.#receive(event.data);
    };
    socket.onclose = () => {
      if (socket === this.#socket) this.#lose();
    };
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      const resume = resuming ? (this.#options.resume?.() ?? null) : null;
      for (const msg of resume ? [resume] : (this.#options.greeting?.() ?? [])) this.#sendOn(socket, msg);
    };
    // An error is always followed by close, which does the work.
    socket.onerror = null;
  }

  /** Sends on the open socket; false when there is none (the next socket's resume or greeting carries it). */
  send(msg: ClientMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    return this.#sendOn(socket, msg);
  }

  #sendOn(socket: WebSocket, msg: ClientMessage): boolean {
    try {
      socket.send(JSON.stringify(msg));
      return true;
    } catch {
      // The socket closed as it opened; close does the work.
      return false;
    }
  }

  #receive(data: unknown): void {
    const now = Date.now();
    this.#lastActivityAt = now;
    this.lastMessageAt = now;
    let msg: unknown;
    try {
      msg = typeof data === 'string' ? JSON.parse(data) : undefined;
    } catch {
      return;
    }
    if (!isServerMessage(msg)) return;
    if (!this.#socketLive) {
      // A connection counts as working once the server speaks, not when TCP opens.
      this.#socketLive = true;
      this.#everLive = true;
      this.#failures = 0;
      this.state = 'live';
    }
    this.#options.onMessage(msg);
  }

  /** The current socket is gone (closed, silent, or the browser went offline). */
  #lose(): void {
    if (!this.#socketLive) this.#failures += 1;
    this.#discardSocket();
    this.#scheduleRetry();
  }

  #discardSocket(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#socketLive = false;
    if (!socket) return;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onopen = null;
    try {
      socket.close();
    } catch {
      // Closing a socket that never opened can throw in some browsers; it is being dropped anyway.
    }
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retryTimer !== undefined) return;
    this.state = stateWhileRetrying(this.#failures, navigator.onLine);
    this.#retryTimer = setTimeout(() => this.#open(), reconnectDelayMs(this.#failures, this.#options.random));
  }

  #checkSilence = (): void => {
    if (this.#socket && Date.now() - this.#lastActivityAt > SILENCE_TIMEOUT_MS) this.#lose();
  };

  #handleOnline = (): void => {
    if (this.#socketLive) return;
    // The network is back: try at once instead of waiting out the backoff.
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#failures = 0;
    this.#discardSocket();
    this.#open();
  };

  #handleOffline = (): void => {
    this.#discardSocket();
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#scheduleRetry();
  };
}
