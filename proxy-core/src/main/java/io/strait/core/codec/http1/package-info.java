/**
 * The HTTP/1.1 codec, both sides: {@link io.strait.core.codec.http1.Http1ServerCodec} (downstream) and
 * {@link io.strait.core.codec.http1.Http1ClientCodec} (upstream). Each head is scanned once, in place, by a
 * byte-level state machine that validates it strictly and records offsets; heads are forwarded as their
 * original bytes with edits spliced in, and bodies pass through as retained slices. Protocol only, no policy.
 *
 * <p>Parts, one job each: {@code Http1Codec} (the read path both codecs share), {@code Http1Input} (cumulation),
 * {@code Http1HeadStates} / {@code Http1HeadScanner} (the head scan: exact byte path / word-at-a-time path),
 * {@code Http1HeaderSemantics} (framing, Connection, Expect, Host, target form), {@code Http1BodyDecoder} (bodies
 * and chunks), {@code Http1ConnectionTimer} (a connection's one timer: first-byte and header timeouts, and the
 * idle timeout of the handler after the codec) and {@code Http1TimerHeap} (a loop's armed connection timers behind
 * one scheduled task), {@code Http1Wire} (bytes and names), and {@code Http1DecodeState} /
 * {@code Http1DecodeStates} (a request's decode state, pooled per event loop: idle connections hold none).
 */
package io.strait.core.codec.http1;
