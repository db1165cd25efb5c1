package io.strait.core.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Immutable (the body array is copied on the way in and out). One request as a {@link TestUpstream} received it.
 *
 * @param method       the request method, e.g. {@code GET}
 * @param uri          the request target exactly as sent (origin-form or absolute-form)
 * @param version      the protocol version, e.g. {@code HTTP/1.1}
 * @param headers      the header fields in arrival order, duplicates kept, names in the case they were sent
 * @param rawHead      the head bytes exactly as received (request line, header lines, the empty line), ISO-8859-1
 * @param body         the body bytes after de-chunking (truncated to {@link TestUpstream#MAX_RECORDED_BODY})
 * @param bodyLength   how many body bytes were received in total (not truncated)
 * @param connectionId the id of the connection it came on: 1 for the upstream's first accepted connection, and so on
 * @param complete     true when the whole request, body included, was received before it was recorded; false when
 *                     the connection closed first or the upstream stopped reading at the head
 */
public record RecordedRequest(String method, String uri, String version, List<HeaderField> headers, String rawHead,
                              byte[] body, long bodyLength, int connectionId, boolean complete) {

    /**
     * Copies the mutable parts.
     */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = List.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /**
     * Returns the body decoded as UTF-8.
     */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Returns the first value of the header {@code name} (case-insensitive), or null when absent.
     */
    public String header(final String name) {
        return HeaderField.first(headers, name);
    }

    /**
     * Returns every value of the header {@code name} (case-insensitive), in arrival order; empty when absent.
     */
    public List<String> headers(final String name) {
        return HeaderField.all(headers, name);
    }

    /**
     * Returns the path of the request target, without the query and, for absolute-form, without scheme and authority.
     */
    public String path() {
        return TestUpstream.pathOf(uri);
    }

    @Override
    public String toString() {
        return method + ' ' + uri + ' ' + version + " (connection " + connectionId + ", " + headers.size()
            + " headers, " + bodyLength + " body bytes" + (complete ? "" : ", incomplete") + ')';
    }
}
