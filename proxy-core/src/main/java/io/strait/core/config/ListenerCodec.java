package io.strait.core.config;

/**
 * Key {@code codec} of an HTTP listener: which HTTP versions its connections may speak (Envoy's {@code codec_type}).
 * {@link #AUTO} takes HTTP/2 by ALPN {@code h2} on TLS and by the connection preface (prior knowledge, {@code h2c})
 * on plaintext, HTTP/1.1 otherwise.
 */
public enum ListenerCodec {
    /** HTTP/1.1 and HTTP/2, chosen per connection (the default). */
    AUTO,
    /** HTTP/1.1 only: no ALPN {@code h2}, no preface detection. */
    HTTP1,
    /** HTTP/2 only: ALPN {@code h2} on TLS, prior knowledge on plaintext. */
    HTTP2;

    /** True if connections may speak HTTP/2. */
    public boolean allowsHttp2() {
        return this != HTTP1;
    }

    /** True if connections may speak HTTP/1.1. */
    public boolean allowsHttp1() {
        return this != HTTP2;
    }
}
