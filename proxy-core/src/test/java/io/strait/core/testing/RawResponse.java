package io.strait.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Immutable (the body array is copied on the way in and out). One HTTP/1.x response as {@link RawHttpClient} read it
 * off the wire.
 *
 * @param version  the protocol version of the status line, e.g. {@code HTTP/1.1}
 * @param status   the status code
 * @param reason   the reason phrase (may be empty)
 * @param headers  the header fields in arrival order, duplicates kept, names in the case they were sent
 * @param body     the body after removing the framing (de-chunked); empty when there is none
 * @param rawHead  the head exactly as received (status line, header lines, the empty line), ISO-8859-1
 * @param trailers the trailer fields of a chunked body, in order; empty otherwise
 * @param framing  how the body was delimited
 */
public record RawResponse(String version, int status, String reason, List<HeaderField> headers, byte[] body,
                          String rawHead, List<HeaderField> trailers, Framing framing) {

    /**
     * Immutable. How the end of a response body was found.
     */
    public enum Framing {
        /** No body: a 1xx, 204 or 304 status, or the answer to a HEAD request. */
        NONE,
        /** A {@code content-length} header. */
        CONTENT_LENGTH,
        /** {@code transfer-encoding: chunked}. */
        CHUNKED,
        /** The server closed the connection. */
        CLOSE_DELIMITED
    }

    /**
     * Copies the mutable parts.
     */
    public RawResponse {
        headers = List.copyOf(headers);
        trailers = List.copyOf(trailers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Returns the body length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** Returns the body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Returns the first value of the header {@code name} (case-insensitive), or null when absent. */
    public String header(final String name) {
        return HeaderField.first(headers, name);
    }

    /** Returns every value of the header {@code name} (case-insensitive), in order; empty when absent. */
    public List<String> headers(final String name) {
        return HeaderField.all(headers, name);
    }

    /** Returns true for a 1xx (interim) response. */
    public boolean isInterim() {
        return status >= 100 && status < 200;
    }

    @Override
    public String toString() {
        return version + ' ' + status + ' ' + reason + " (" + headers.size() + " headers, " + framing + ", "
            + body.length + " body bytes)";
    }
}
