import type { ServerMessage } from '@northstar/shared';
import { SOCKET_OPEN, type LiveSocket } from './client.ts';
import type { Outgoing } from './outgoing.ts';

/**
 * A socket for the hub's unit tests: it keeps what was sent (raw, to tell a shared frame,
 * and parsed), and its unread bytes are whatever the test sets.
 */
export class FakeSocket implements LiveSocket {
  readyState = SOCKET_OPEN;
  bufferedAmount = 0;
  /** Each message's JSON; a message shared by several clients is the same Buffer in each. */
  readonly raw: Buffer[] = [];
  closed: { code: number; reason: string } | undefined;
  terminated = false;
  pings = 0;

  send(message: Outgoing): void {
    this.raw.push(message.text);
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 2; // CLOSING
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3; // CLOSED
  }

  ping(): void {
    this.pings += 1;
  }

  get messages(): ServerMessage[] {
    return this.raw.map((r) => JSON.parse(String(r)) as ServerMessage);
  }

  /** The messages of one type, in order. */
  of<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.messages.filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  }
}
