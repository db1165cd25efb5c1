package io.strait.admin;

import java.util.Map;

/**
 * Immutable. One admin response before it is encoded.
 *
 * @param status      the HTTP status
 * @param contentType its Content-Type
 * @param body        the body text (UTF-8 on the wire)
 * @param headers     extra headers
 * @param afterWrite  run on the admin thread once the response was written (e.g. quit), or null
 */
record AdminResponse(int status, String contentType, String body, Map<String, String> headers, Runnable afterWrite) {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";

    static AdminResponse text(final int status, final String body) {
        return new AdminResponse(status, TEXT, body.endsWith("\n") ? body : body + "\n", Map.of(), null);
    }

    static AdminResponse json(final String body) {
        return new AdminResponse(200, JSON, body.endsWith("\n") ? body : body + "\n", Map.of(), null);
    }

    static AdminResponse json(final Object tree) {
        return json(Json.write(tree));
    }

    AdminResponse withHeader(final String name, final String value) {
        final java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new AdminResponse(status, contentType, body, h, afterWrite);
    }

    AdminResponse then(final Runnable action) {
        return new AdminResponse(status, contentType, body, headers, action);
    }

    /** The response to an action: its status, its message and errors one per line. */
    static AdminResponse of(final ActionResult r) {
        final StringBuilder sb = new StringBuilder(r.message()).append('\n');
        for (final String e : r.errors()) {
            sb.append(e).append('\n');
        }
        return text(r.outcome().status(), sb.toString());
    }
}
