package io.strait.core.config;

/**
 * Immutable. A listener's path normalisation, done before routing (Envoy's HttpConnectionManager {@code
 * normalize_path}, {@code merge_slashes} and {@code path_with_escaped_slashes_action}): the upstream gets the path
 * the route was chosen on. See docs/CONFIG.md, "Path normalisation".
 *
 * @param normalizePath  decode percent-encoded unreserved characters, turn '\' into '/', remove dot segments
 *                       (RFC 3986 §6.2.2, §5.2.4); invalid percent-encodings are refused (400)
 * @param mergeSlashes   collapse runs of '/' into one
 * @param escapedSlashes what to do with {@code %2F} and {@code %5C} (either case)
 */
public record PathNormalizationConfig(boolean normalizePath, boolean mergeSlashes, EscapedSlashes escapedSlashes) {

    /** The default of a listener: everything on, escaped slashes refused. */
    public static final PathNormalizationConfig DEFAULT =
        new PathNormalizationConfig(true, true, EscapedSlashes.REJECT);

    /** Nothing changed: the path is routed and forwarded as the client sent it. */
    public static final PathNormalizationConfig OFF =
        new PathNormalizationConfig(false, false, EscapedSlashes.KEEP);

    /** Key {@code path_with_escaped_slashes}: what is done with {@code %2F} / {@code %5C} in a path. */
    public enum EscapedSlashes {
        /** {@code keep}: left encoded (routed and forwarded as {@code %2F}). */
        KEEP,
        /** {@code reject}: the request is answered 400 {@code escaped_slash}. */
        REJECT,
        /** {@code unescape_and_forward}: decoded to '/' (and '\', which normalisation turns into '/'), normalised. */
        UNESCAPE_AND_FORWARD
    }

    /** Null components take the defaults. */
    public PathNormalizationConfig {
        if (escapedSlashes == null) {
            escapedSlashes = EscapedSlashes.REJECT;
        }
    }

    /** True when a request's path is left exactly as sent. */
    public boolean isOff() {
        return !normalizePath && !mergeSlashes && escapedSlashes == EscapedSlashes.KEEP;
    }
}
