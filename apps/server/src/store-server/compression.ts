import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { StoreServerError } from './errors.ts';

const inflate = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
} as const;
const deflate = {
  gzip: promisify(zlib.gzip),
  deflate: promisify(zlib.deflate),
  br: promisify(zlib.brotliCompress),
} as const;

/** The body after its Content-Encoding, inflated to at most `maxBytes`: a zip bomb stops there. */
export async function decodeBody(raw: Buffer, header: string | undefined, maxBytes: number): Promise<Buffer> {
  const encoding = (header ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  const decode = inflate[encoding as keyof typeof inflate] as ((b: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>) | undefined;
  if (!decode) {
    throw StoreServerError.of(
      'UNKNOWN_COMPRESSION_METHOD',
      `Content-Encoding '${encoding.slice(0, 40)}' is not supported: use gzip, deflate or br`,
    );
  }
  try {
    return await decode(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw StoreServerError.of(
        'QUERY_IS_TOO_LARGE',
        `The ${encoding} body inflates to more than ${maxBytes} bytes (northstar store --max-body-bytes): send smaller batches`,
      );
    }
    throw StoreServerError.of(
      'CANNOT_DECOMPRESS',
      `The body is not valid ${encoding} although Content-Encoding says so: ${(err as Error).message.slice(0, 80)}`,
    );
  }
}

/** The first of the client's Accept-Encoding codecs this server can produce. */
export function responseCodec(acceptEncoding: string | undefined): keyof typeof deflate | undefined {
  for (const part of (acceptEncoding ?? '').split(',')) {
    const name = part.split(';')[0]!.trim().toLowerCase();
    if (name in deflate) return name as keyof typeof deflate;
  }
  return undefined;
}

export function encodeBody(body: Buffer, codec: keyof typeof deflate): Promise<Buffer> {
  return deflate[codec](body);
}
