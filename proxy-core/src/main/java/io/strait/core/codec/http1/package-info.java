/**
 * The HTTP/1.1 codec, both sides: {@link io.strait.core.codec.http1.Http1ServerCodec} (downstream) and
 * {@link io.strait.core.codec.http1.Http1ClientCodec} (upstream). Each head is scanned once, in place, by a
 * byte-level state machine that validates it strictly and records offsets; heads are forwarded as their
 * original bytes with edits spliced in, and bodies pass through as retained slices. Protocol only, no policy.
 */
package io.strait.core.codec.http1;
