package io.strait.core.codec.http1;

import io.strait.core.http.HttpRequestHead;

/**
 * What a downstream connection's codec needs only while a request is being decoded or served: the head scanner and
 * its offset tables, the header semantics, the body decoder and the request head with its header block (together
 * ~1.3 KB). An idle keep-alive connection holds none of it: its {@link Http1ServerCodec} takes one from its event
 * loop's {@link Http1DecodeStates} at a request's first byte and gives it back once the response is written and no
 * byte of a next request is waiting. Confined to its event loop.
 */
final class Http1DecodeState {

    final Http1HeadScanner scanner;
    final Http1HeaderSemantics semantics = new Http1HeaderSemantics();
    final Http1BodyDecoder body;
    /** The request head the codec fires: the exchange holds it until its end, the codec's state until then too. */
    final HttpRequestHead head = new HttpRequestHead();

    /** A state for request heads within {@code limits}. */
    Http1DecodeState(final Http1Limits limits) {
        this.scanner = new Http1HeadScanner(true, limits.maxRequestLineBytes(), limits.maxHeaderBytes(),
            limits.maxHeaderCount());
        this.body = new Http1BodyDecoder(limits.maxBodyBytes(), scanner);
    }

    /** Readies the state for a connection whose listener has {@code limits}; no head or body is in progress. */
    void take(final Http1Limits limits) {
        scanner.limits(limits.maxRequestLineBytes(), limits.maxHeaderBytes(), limits.maxHeaderCount());
        scanner.reset();
        body.maxBody(limits.maxBodyBytes());
        body.reset();
    }
}
