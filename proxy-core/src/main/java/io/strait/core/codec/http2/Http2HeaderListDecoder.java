package io.strait.core.codec.http2;

import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Netty's HPACK decoder (its dynamic table, table size updates, header list size limit and RFC 9113 field checks, all
 * unchanged) decoding each HEADERS block into one {@link Http2HeaderList} per connection, cleared block after block,
 * instead of a new {@code DefaultHttp2Headers} per block. Names and values stay the decoder's {@code AsciiString}s (a
 * static or dynamic table entry's own, or the literal it read), so the fields reach the request head without a copy.
 *
 * <p>The list a block decodes into is valid until the next block is decoded: its reader (the HEADERS listener) must
 * take what it needs before it returns, as {@link Http2RequestHeads} does. Confined to its connection's event loop.
 */
public final class Http2HeaderListDecoder extends DefaultHttp2HeadersDecoder {

    private final Http2HeaderList list = new Http2HeaderList(true);

    /** Names and values validated as {@code DefaultHttp2HeadersDecoder(true, true, maxHeaderListSize)} does. */
    public Http2HeaderListDecoder(final long maxHeaderListSize) {
        super(true, true, maxHeaderListSize);
    }

    @Override
    protected Http2Headers newHeaders() {
        return list.clear();
    }
}
