/**
 * The HTTP/2 protocol layer of the downstream side: recognising the connection preface, translating a stream's
 * HEADERS into the neutral {@link io.strait.core.http.HttpRequestHead} (with RFC 9113 section 8 validation) and a
 * neutral response into HEADERS, and bounding what Netty's frame codec does not (CONTINUATION frames per header
 * block, resets per interval). Framing, HPACK and flow control are Netty's ({@code io.netty.handler.codec.http2}).
 * Knows nothing of routing, configuration or stats.
 *
 * <p>Threading: every stateful class here is confined to one connection's event loop; the static translators are
 * stateless.
 */
package io.strait.core.codec.http2;
