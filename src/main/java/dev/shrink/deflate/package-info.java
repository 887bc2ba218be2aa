/**
 * A near-optimal DEFLATE (RFC 1951) encoder and a parallel gzip (RFC 1952) stream built on it.
 *
 * <p>{@link dev.shrink.deflate.Deflate} compresses byte ranges (with an optional 32 KiB preset
 * history); {@link dev.shrink.deflate.GzipOutputStream} splits its input into fixed 1 MiB chunks,
 * compresses them in parallel and writes one gzip member whose bytes do not depend on the number of
 * threads. The encoder finds matches with binary trees, splits the input into blocks by estimated
 * cost, and chooses each block's literals and matches by a shortest-path search whose costs come
 * from the Huffman codes of the previous pass.
 */
package dev.shrink.deflate;
