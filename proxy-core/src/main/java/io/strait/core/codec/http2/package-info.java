/**
 * HTTP/2 on Netty's frame codec and HPACK, protocol only, no policy: framing, HPACK and flow control are Netty's
 * ({@code io.netty.handler.codec.http2}); this package translates between them and Strait's neutral events. Knows
 * nothing of routing, configuration or stats.
 *
 * <p>The server (downstream) side: {@code Http2Preface} (prior knowledge recognised from the first bytes),
 * {@code Http2HeaderListDecoder} (Netty's HPACK decoder filling one reused {@code Http2HeaderList} per connection
 * instead of a {@code DefaultHttp2Headers} per block), {@code Http2RequestHeads} (a stream's HEADERS into the neutral
 * {@link io.strait.core.http.HttpRequestHead}, with RFC 9113 section 8 validation), {@code Http2ResponseHeaders} (a
 * neutral response into HEADERS, one reused list per stream slot), {@code Http2EmptyDataLimit} (the empty DATA flood
 * limit on a decoder built outside Netty's builder) and {@code Http2ResetLimiter} (resets per interval,
 * CVE-2023-44487). The client (upstream) side is
 * {@code Http2ClientCodecs} (the connection's frame codec and stream multiplexer), {@code Http2ClientStreamCodec} (one
 * stream: Strait's neutral request events out as HEADERS and DATA frames, response frames in as neutral events) and
 * {@code Http2ClientHeaders} (the header translations, hop-by-hop fields dropped).
 *
 * <p>Threading: every handler and stateful class here is confined to its channel's event loop (a client stream's
 * child channel runs on its connection's loop); the static translators are stateless.
 */
package io.strait.core.codec.http2;
