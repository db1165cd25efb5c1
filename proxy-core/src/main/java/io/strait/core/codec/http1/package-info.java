/**
 * The HTTP/1.1 codec, both sides: {@link io.strait.core.codec.http1.Http1ServerCodec} (downstream) and
 * {@link io.strait.core.codec.http1.Http1ClientCodec} (upstream). Each head is scanned once, in place, by a
 * byte-level state machine that validates it strictly and records offsets; heads are forwarded as their
 * original bytes with edits spliced in, and bodies pass through as retained slices. Protocol only, no policy.
 *
 * <p>Parts, one job each: {@code Http1Codec} (the read path both codecs share), {@code Http1Input} (cumulation),
 * {@code Http1HeadStates} / {@code Http1HeadScanner} (the head scan: exact byte path / word-at-a-time path),
 * {@code Http1HeaderSemantics} (framing, Connection, Expect, Host, target form), {@code Http1BodyDecoder} (bodies
 * and chunks), {@code Http1HeadTimer} (first-byte and header timeouts), {@code Http1Wire} (bytes and names).
 */
package io.strait.core.codec.http1;
