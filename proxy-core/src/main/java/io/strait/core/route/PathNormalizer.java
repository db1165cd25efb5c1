package io.strait.core.route;

import io.netty.util.AsciiString;
import io.strait.core.config.PathNormalizationConfig;
import io.strait.core.config.PathNormalizationConfig.EscapedSlashes;
import io.strait.core.http.HttpRequestHead;

/**
 * Normalises a request's path before routing, so the route is chosen on the path the upstream will get and
 * {@code /public/../admin}, {@code /public/%2e%2e/admin} or {@code //admin} cannot slip past a {@code /public} prefix
 * to an upstream that normalises. Immutable and thread-safe: one per listener per configuration snapshot. Modelled on
 * Envoy's {@code normalize_path}, {@code merge_slashes} and {@code path_with_escaped_slashes_action}, applied in
 * Envoy's order: escaped slashes, then normalisation, then slash merging.
 *
 * <p>Only the path before the first '?' changes; the query is kept byte for byte. With {@code normalize_path}:
 * percent-encodings are checked (two hex digits, else the request is refused), those of unreserved characters
 * ({@code A-Z a-z 0-9 - . _ ~}) are decoded and the others' hex digits upper-cased (RFC 3986 §6.2.2.1-2), '\' becomes
 * '/', and dot segments are removed (§5.2.4; {@code ..} never climbs above the root). With {@code merge_slashes}, runs
 * of '/' become one. {@code %2F}/{@code %5C} are kept, refused or decoded by the escaped-slash policy.
 *
 * <p>A path that is already normal (the common case) is checked in one pass over its bytes and left untouched, without
 * allocating; otherwise the normalised path is written once into a new array and set with
 * {@link HttpRequestHead#path(AsciiString)}, as a prefix rewrite does. A path that does not start with '/' (the
 * {@code OPTIONS *} target) is left alone.
 */
public final class PathNormalizer {

    /** {@link #normalize} result: the path is normal (now). */
    public static final int OK = 0;
    /** {@link #normalize} result: a '%' not followed by two hex digits (answer 400 {@code invalid_path}). */
    public static final int INVALID_ENCODING = 1;
    /** {@link #normalize} result: an escaped slash under {@code reject} (answer 400 {@code escaped_slash}). */
    public static final int ESCAPED_SLASH = 2;

    /** A normaliser that leaves every path as sent. */
    public static final PathNormalizer OFF = new PathNormalizer(PathNormalizationConfig.OFF);

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    private final boolean normalize;
    private final boolean merge;
    private final EscapedSlashes escapedSlashes;
    /** True when '%' must be looked at: normalising, or escaped slashes are refused or decoded. */
    private final boolean checkEncodings;
    private final boolean off;

    /** A normaliser for a listener's settings. */
    public PathNormalizer(final PathNormalizationConfig config) {
        this.normalize = config.normalizePath();
        this.merge = config.mergeSlashes();
        this.escapedSlashes = config.escapedSlashes();
        this.checkEncodings = normalize || escapedSlashes != EscapedSlashes.KEEP;
        this.off = config.isOff();
    }

    /** The HTTP status to answer a non-{@link #OK} result with: 400. */
    public static int status(final int result) {
        return 400;
    }

    /** The reason ({@code x-strait-error}, access log) for a non-{@link #OK} result. */
    public static String reason(final int result) {
        return result == ESCAPED_SLASH ? "escaped_slash" : "invalid_path";
    }

    /**
     * Normalises {@code head}'s path in place (see the class comment). Returns {@link #OK}, or a result for which the
     * request must be refused with {@link #status} and {@link #reason}; the path is then unchanged. Allocates only when
     * the path changes.
     */
    public int normalize(final HttpRequestHead head) {
        if (off) {
            return OK;
        }
        final int length = head.pathLength();
        if (length == 0 || head.pathByteAt(0) != '/') {
            return OK;
        }
        final int end = head.pathWithoutQueryLength();
        final int scan = scan(head, end);
        if (scan != OK) {
            return scan < 0 ? rewrite(head, end, length) : scan;
        }
        return OK;
    }

    /**
     * One pass over the path: {@link #OK} when nothing would change, a refusal result, or -1 when the path must be
     * rewritten (which then checks everything again).
     */
    private int scan(final HttpRequestHead head, final int end) {
        int rewrite = OK;
        int segmentStart = 1;   // index after the '/' that opened the current segment
        for (int i = 1; i <= end; i++) {
            final byte b = i < end ? head.pathByteAt(i) : (byte) '/';
            if (b == '/') {
                final int segment = i - segmentStart;
                if (segment == 0 && merge && i < end) {
                    rewrite = -1;
                } else if (normalize && (segment == 1 || segment == 2) && isDots(head, segmentStart, segment)) {
                    rewrite = -1;
                }
                segmentStart = i + 1;
            } else if (b == '\\' && normalize) {
                rewrite = -1;
            } else if (b == '%' && checkEncodings) {
                if (i + 2 >= end) {
                    return INVALID_ENCODING;
                }
                final int hi = hex(head.pathByteAt(i + 1));
                final int lo = hex(head.pathByteAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return INVALID_ENCODING;
                }
                final int c = hi << 4 | lo;
                if (c == '/' || c == '\\') {
                    if (escapedSlashes == EscapedSlashes.REJECT) {
                        return ESCAPED_SLASH;
                    }
                    if (escapedSlashes == EscapedSlashes.UNESCAPE_AND_FORWARD || normalize && isLowerHex(head, i)) {
                        rewrite = -1;
                    }
                } else if (normalize && (isUnreserved(c) || isLowerHex(head, i))) {
                    rewrite = -1;
                }
                i += 2;
            }
        }
        return rewrite;
    }

    private static boolean isDots(final HttpRequestHead head, final int start, final int length) {
        return head.pathByteAt(start) == '.' && (length == 1 || head.pathByteAt(start + 1) == '.');
    }

    private static boolean isLowerHex(final HttpRequestHead head, final int percent) {
        final byte a = head.pathByteAt(percent + 1);
        final byte b = head.pathByteAt(percent + 2);
        return a >= 'a' && a <= 'f' || b >= 'a' && b <= 'f';
    }

    /** Writes the normalised path (the query appended as it was) and sets it on {@code head}. */
    private int rewrite(final HttpRequestHead head, final int end, final int length) {
        final byte[] out = new byte[length];
        int n = decode(head, end, out);
        if (n < 0) {
            return -n;
        }
        if (normalize) {
            n = removeDotSegments(out, n);
        }
        if (merge) {
            n = mergeSlashes(out, n);
        }
        for (int i = end; i < length; i++) {
            out[n++] = head.pathByteAt(i);
        }
        head.path(new AsciiString(out, 0, n, false));
        return OK;
    }

    /**
     * Copies path bytes {@code [0, end)} to {@code out}, applying the escaped-slash policy and, when normalising,
     * unreserved decoding, upper-case hex and '\' to '/'. Returns the length written, or minus a refusal result.
     */
    private int decode(final HttpRequestHead head, final int end, final byte[] out) {
        int n = 0;
        for (int i = 0; i < end; i++) {
            final byte b = head.pathByteAt(i);
            if (b == '%' && checkEncodings) {
                final int hi = i + 2 < end ? hex(head.pathByteAt(i + 1)) : -1;
                final int lo = i + 2 < end ? hex(head.pathByteAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    return -INVALID_ENCODING;
                }
                final int c = hi << 4 | lo;
                i += 2;
                if (c == '/' || c == '\\') {
                    if (escapedSlashes == EscapedSlashes.REJECT) {
                        return -ESCAPED_SLASH;
                    }
                    if (escapedSlashes == EscapedSlashes.UNESCAPE_AND_FORWARD) {
                        out[n++] = normalize ? (byte) '/' : (byte) c;
                        continue;
                    }
                } else if (normalize && isUnreserved(c)) {
                    out[n++] = (byte) c;
                    continue;
                }
                out[n++] = '%';
                out[n++] = normalize ? HEX[hi] : head.pathByteAt(i - 1);
                out[n++] = normalize ? HEX[lo] : head.pathByteAt(i);
            } else {
                out[n++] = b == '\\' && normalize ? (byte) '/' : b;
            }
        }
        return n;
    }

    /**
     * RFC 3986 §5.2.4 on {@code p[0, n)} (which starts with '/'), in place: drops "." segments, and ".." segments with
     * the segment before them; a path ending in "/." or "/.." keeps its trailing '/'. Returns the new length.
     */
    static int removeDotSegments(final byte[] p, final int n) {
        int out = 0;
        int i = 0;
        while (i < n) {
            int j = i + 1;   // p[i] == '/': the segment is p[i + 1, j)
            while (j < n && p[j] != '/') {
                j++;
            }
            final int segment = j - i - 1;
            if (segment == 1 && p[i + 1] == '.') {
                if (j == n) {
                    p[out++] = '/';
                }
            } else if (segment == 2 && p[i + 1] == '.' && p[i + 2] == '.') {
                while (out > 0 && p[--out] != '/') {
                    // back to the '/' that opened the last output segment
                }
                if (j == n) {
                    p[out++] = '/';
                }
            } else {
                System.arraycopy(p, i, p, out, j - i);
                out += j - i;
            }
            i = j;
        }
        return out == 0 ? slash(p) : out;
    }

    private static int slash(final byte[] p) {
        p[0] = '/';
        return 1;
    }

    /** Collapses runs of '/' in {@code p[0, n)}, in place. Returns the new length. */
    static int mergeSlashes(final byte[] p, final int n) {
        int out = 0;
        for (int i = 0; i < n; i++) {
            if (p[i] != '/' || out == 0 || p[out - 1] != '/') {
                p[out++] = p[i];
            }
        }
        return out;
    }

    private static int hex(final byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        return -1;
    }

    private static boolean isUnreserved(final int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
            || c == '_' || c == '~';
    }
}
