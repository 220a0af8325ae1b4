// Tells a PDF by its first bytes, without loading the PDF reader.

/** "%PDF-" within the first KiB, as PDF readers accept. */
export function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  return head.includes('%PDF-');
}
