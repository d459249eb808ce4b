import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";

/** One answer kept as bytes, plain and compressed, so it is encoded once however often it is sent. */
export interface EncodedBytes {
  plain: Buffer;
  gzip: Buffer;
  br: Buffer | null;
}

/** Encodes bytes once: gzip always, Brotli too when `brotli` (smaller, slower to make: for static files). */
export function encodeBytes(body: string | Buffer, brotli = false): EncodedBytes {
  const plain = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return {
    plain,
    gzip: gzipSync(plain, { level: 6 }),
    br: brotli
      ? brotliCompressSync(plain, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
          },
        })
      : null,
  };
}

/** The best coding an Accept-Encoding header takes (not refused with q=0): "br", "gzip" or none. */
export function acceptedCoding(header: string | undefined, offer: { br: boolean }): "br" | "gzip" | null {
  const taken = new Set<string>();
  for (const part of (header ?? "").split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (coding && (q === undefined || Number(q.slice(2)) > 0)) taken.add(coding);
  }
  if (offer.br && (taken.has("br") || taken.has("*"))) return "br";
  if (taken.has("gzip") || taken.has("*")) return "gzip";
  return null;
}

/** Sends kept bytes in the coding the client takes best, with `Vary: Accept-Encoding`. */
export function sendEncoded(request: FastifyRequest, reply: FastifyReply, bytes: EncodedBytes): FastifyReply {
  reply.header("vary", mergeVary(reply.getHeader("vary"), "accept-encoding"));
  const coding = acceptedCoding(request.headers["accept-encoding"], { br: bytes.br !== null });
  if (coding === "br" && bytes.br) return reply.header("content-encoding", "br").send(bytes.br);
  if (coding === "gzip") return reply.header("content-encoding", "gzip").send(bytes.gzip);
  return reply.send(bytes.plain);
}

function mergeVary(current: unknown, add: string): string {
  const list = String(current ?? "")
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
  return list.some((v) => v.toLowerCase() === add) ? list.join(", ") : [...list, add].join(", ");
}
