import { createHash } from 'node:crypto';

/**
 * SHA-256 (hex) of a safetensors file's data section: every byte after the 8-byte header length
 * and the header. safetensors has no checksum of its own, so a flipped bit in the weights would
 * load as a silently different model; char-lstm's files carry this in their metadata
 * (`data_sha256`), and the loader refuses a file whose data no longer matches it.
 * `file` must have passed `decodeSafetensors` (its header length is then within the file).
 */
export function dataChecksum(file: Uint8Array): string {
  const headerLength = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  return createHash('sha256').update(file.subarray(8 + headerLength)).digest('hex');
}
