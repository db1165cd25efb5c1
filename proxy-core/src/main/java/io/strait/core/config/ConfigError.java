package io.strait.core.config;

import java.util.Objects;

/**
 * Immutable. One configuration error: the source (file name), the field path ({@code
 * listeners[0].virtual_hosts[1].routes[0].match.prefix}; empty for the document itself), the 1-based line and column
 * of the offending node (0 when the error has no position, such as an unreadable file) and a message.
 *
 * @param source  the file name or other source name given to {@link ConfigLoader}
 * @param path    the dotted and indexed field path, empty for the whole document
 * @param line    1-based line, or 0 when unknown
 * @param column  1-based column, or 0 when unknown
 * @param message what is wrong, in words a user can act on
 */
public record ConfigError(String source, String path, int line, int column, String message) {

    /** Checks that no component is null. */
    public ConfigError {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /**
     * The error in compiler style: {@code demo.yaml:12:7: listeners[0].virtual_hosts[0].routes[1].cluster: unknown
     * cluster 'apx' (known: api, api-canary)}. The position is left out when the line is 0, the path when it is empty.
     */
    public String format() {
        final StringBuilder sb = new StringBuilder(source.length() + path.length() + message.length() + 16);
        sb.append(source);
        if (line > 0) {
            sb.append(':').append(line).append(':').append(column);
        }
        sb.append(": ");
        if (!path.isEmpty()) {
            sb.append(path).append(": ");
        }
        return sb.append(message).toString();
    }
}
