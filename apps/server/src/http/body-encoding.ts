import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** Why a body could not be unpacked, as the HTTP status and message it is answered with. */
export class EncodingError extends Error {
  override readonly name = 'EncodingError';
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The body's bytes after its Content-Encoding: none (or identity) as sent, gzip inflated
 * to at most `maxBytes` (a zip bomb stops there, 413, and is never inflated whole). Any
 * other encoding is 415: the producer learns what to send instead of a parse error about
 * compressed bytes.
 */
export async function decodeContentEncoding(raw: Uint8Array, header: string | undefined, maxBytes: number): Promise<Uint8Array> {
  const encodings = (header ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '' && e !== 'identity');
  if (encodings.length === 0) return raw;
  if (encodings.length > 1 || (encodings[0] !== 'gzip' && encodings[0] !== 'x-gzip')) {
    throw new EncodingError(
      415,
      'unsupported_encoding',
      `Content-Encoding: ${(header ?? '').slice(0, 60)} is not supported; send the body uncompressed or with Content-Encoding: gzip`,
    );
  }
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new EncodingError(413, 'body_too_large', `gzip body inflates to more than ${maxBytes} bytes; split it into smaller requests`);
    }
    throw new EncodingError(
      400,
      'bad_encoding',
      `body is not valid gzip (${(err as Error).message.slice(0, 80)}) although Content-Encoding says gzip`,
    );
  }
}
