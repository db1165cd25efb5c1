package io.strait.admin;

import java.util.List;
import java.util.Map;

/**
 * Immutable. One admin request as the endpoints see it.
 *
 * @param method the HTTP method
 * @param path   the decoded path, without the query
 * @param params the query's parameters, then a form body's ({@code application/x-www-form-urlencoded}), in order
 */
record AdminRequest(String method, String path, Map<String, List<String>> params) {

    /** The first value of {@code name}; "" when it is present without a value; null when absent. */
    String param(final String name) {
        final List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    boolean has(final String name) {
        return params.containsKey(name);
    }
}
