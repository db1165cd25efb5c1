/**
 * HTTP/2 on Netty's frame codec and HPACK, protocol only, no policy. The client (upstream) side is
 * {@code Http2ClientCodecs} (the connection's frame codec and stream multiplexer), {@code Http2ClientStreamCodec} (one
 * stream: Strait's neutral request events out as HEADERS and DATA frames, response frames in as neutral events) and
 * {@code Http2ClientHeaders} (the header translations, hop-by-hop fields dropped).
 *
 * <p>Threading: every handler here is confined to its channel's event loop (a stream's child channel runs on its
 * connection's loop).
 */
package io.strait.core.codec.http2;
