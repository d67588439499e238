import { gzipSync } from "node:zlib";
import { etagOf } from "./assets.js";

/** A gzip copy of a file, with its own ETag (a different representation of it). */
export interface GzipVariant {
  body: Uint8Array;
  etag: string;
}

/** Smaller than this, compressing saves too little to matter. */
const MIN_SIZE = 1024;

/**
 * The gzip copy of a text-like file, made once at load time; null for small or already
 * compressed files (images, fonts), and when it would save under a tenth.
 */
export function gzipVariant(body: Uint8Array, contentType: string): GzipVariant | null {
  if (body.byteLength < MIN_SIZE || !isCompressible(contentType)) return null;
  const gzipped = gzipSync(body, { level: 9 });
  if (gzipped.byteLength > body.byteLength * 0.9) return null;
  return { body: gzipped, etag: etagOf(gzipped) };
}

/** Whether an `Accept-Encoding` header takes gzip (`gzip` or `*`, with a q above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [name = "", ...params] = part.split(";").map((piece) => piece.trim().toLowerCase());
    if (name !== "gzip" && name !== "*") return false;
    const q = params.find((param) => param.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

// --- Internal helpers ---

function isCompressible(contentType: string): boolean {
  return /^(?:text\/|application\/(?:json|manifest\+json|wasm)|image\/svg\+xml)/.test(contentType);
}
