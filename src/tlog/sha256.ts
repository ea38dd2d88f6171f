/**
 * SHA-256 (FIPS 180-4) of the two fixed shapes the tree hashes: a leaf, 0x00 ‖ 32 bytes (one
 * block), and a node, 0x01 ‖ 32 ‖ 32 bytes (two blocks), written into a caller's buffer. A call of
 * node:crypto costs more in crossing into C++ and allocating its result than the hashing itself;
 * here nothing is allocated. Checked against node:crypto by test/tlog/sha256.test.ts.
 */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
  0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
  0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);
const H = new Int32Array(8);

function compress(): void {
  for (let i = 16; i < 64; i++) {
    const w15 = W[i - 15]!;
    const w2 = W[i - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[i]! + W[i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** The 64 rounds of a node's second block, whose round constants plus schedule start at SECOND[at]. */
function compressSecond(at: number): void {
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + SECOND[at + i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/**
 * A node's second block is its last byte, the padding and the length (65 bytes): one of 256 blocks,
 * whose round constants plus message schedule are computed once, here.
 */
const SECOND = new Int32Array(256 * 64);
for (let byte = 0; byte < 256; byte++) {
  W.fill(0);
  W[0] = (byte << 24) | 0x800000;
  // Message length in bits: 65 bytes.
  W[15] = 520;
  H.set(IV);
  compress();
  for (let i = 0; i < 64; i++) SECOND[byte * 64 + i] = (K[i]! + W[i]!) | 0;
}

/** Big-endian word of bytes b[o..o+4]. */
const word = (b: Uint8Array, o: number): number => (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;

function digestInto(dst: Uint8Array, o: number): void {
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    dst[o + 4 * i] = v >>> 24;
    dst[o + 4 * i + 1] = (v >>> 16) & 255;
    dst[o + 4 * i + 2] = (v >>> 8) & 255;
    dst[o + 4 * i + 3] = v & 255;
  }
}

/** dst[o..o+32] = SHA-256(0x00 ‖ src[s..s+32]). */
export function leafInto(src: Uint8Array, s: number, dst: Uint8Array, o: number): void {
  H.set(IV);
  W[0] = (src[s]! << 16) | (src[s + 1]! << 8) | src[s + 2]!;
  for (let i = 1; i < 8; i++) W[i] = word(src, s + 4 * i - 1);
  W[8] = (src[s + 31]! << 24) | 0x800000;
  W.fill(0, 9, 15);
  // Message length in bits: 33 bytes.
  W[15] = 264;
  compress();
  digestInto(dst, o);
}

/** dst[o..o+32] = SHA-256(0x01 ‖ left[l..l+32] ‖ right[r..r+32]); dst may overlap neither input. */
export function nodeInto(left: Uint8Array, l: number, right: Uint8Array, r: number, dst: Uint8Array, o: number): void {
  H.set(IV);
  W[0] = (1 << 24) | (left[l]! << 16) | (left[l + 1]! << 8) | left[l + 2]!;
  for (let i = 1; i < 8; i++) W[i] = word(left, l + 4 * i - 1);
  W[8] = (left[l + 31]! << 24) | (right[r]! << 16) | (right[r + 1]! << 8) | right[r + 2]!;
  for (let i = 9; i < 16; i++) W[i] = word(right, r + 4 * (i - 8) - 1);
  compress();
  compressSecond(right[r + 31]! * 64);
  digestInto(dst, o);
}
