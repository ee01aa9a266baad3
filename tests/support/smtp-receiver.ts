import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on a loopback port that takes every message, for tests of what
 * Northstar sends by email (alerts, digests): no auth, no TLS, as a local relay would be.
 */

export interface ReceivedMail {
  /** The envelope's sender and recipients (what the server was told, not the headers). */
  from: string;
  to: string[];
  /** The message as sent: headers and body. */
  raw: Buffer;
}

export interface SmtpReceiver {
  port: number;
  /** Every message taken, in order. */
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts the server; `onMail` sees each message before the server acknowledges it (so a parse finishes first). */
export async function startSmtpReceiver(onMail: (mail: ReceivedMail) => unknown = () => undefined): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        };
        mails.push(mail);
        Promise.resolve()
          .then(() => onMail(mail))
          .then(
            () => callback(),
            (err: Error) => callback(err),
          );
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (smtp.server.address() as AddressInfo).port,
    mails,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
