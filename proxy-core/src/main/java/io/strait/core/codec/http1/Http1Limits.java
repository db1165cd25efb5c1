package io.strait.core.codec.http1;

/**
 * Limits the downstream HTTP/1.1 codec enforces on each request. Immutable.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>name</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>maxRequestLineBytes</td><td>8192</td><td>request line without its CRLF; over it: 414</td></tr>
 *   <tr><td>maxHeaderBytes</td><td>65536</td><td>the whole head, request line included; over it: 431</td></tr>
 *   <tr><td>maxHeaderCount</td><td>100</td>
 *       <td>header fields in the head (and in chunked trailers); over it: 431</td></tr>
 *   <tr><td>maxBodyBytes</td><td>-1</td><td>request body bytes, -1 = unlimited; over it: 413</td></tr>
 *   <tr><td>requestHeaderTimeoutMillis</td><td>10000</td><td>time to receive a whole head from its first byte,
 *       0 = off; then 408</td></tr>
 *   <tr><td>firstByteTimeoutMillis</td><td>10000</td><td>time a new connection may stay silent before its first
 *       byte, 0 = off; then it is closed without a response</td></tr>
 * </table>
 */
public final class Http1Limits {

    private static final long DEFAULTS_FIRST_BYTE_MILLIS = 10_000;

    /** The defaults listed in the class comment. */
    public static final Http1Limits DEFAULTS = new Http1Limits(8192, 65536, 100, -1, 10_000, 10_000);

    private final int maxRequestLineBytes;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final long maxBodyBytes;
    private final long requestHeaderTimeoutMillis;
    private final long firstByteTimeoutMillis;

    /** Limits with the given values and the default first-byte timeout. */
    public Http1Limits(final int maxRequestLineBytes, final int maxHeaderBytes, final int maxHeaderCount,
                       final long maxBodyBytes, final long requestHeaderTimeoutMillis) {
        this(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, requestHeaderTimeoutMillis,
            DEFAULTS_FIRST_BYTE_MILLIS);
    }

    /**
     * Limits with the given values.
     *
     * @throws IllegalArgumentException if a size is not positive, maxBodyBytes is below -1 or a timeout negative
     */
    public Http1Limits(final int maxRequestLineBytes, final int maxHeaderBytes, final int maxHeaderCount,
                       final long maxBodyBytes, final long requestHeaderTimeoutMillis,
                       final long firstByteTimeoutMillis) {
        if (maxRequestLineBytes <= 0 || maxHeaderBytes <= 0 || maxHeaderCount <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxBodyBytes < -1 || requestHeaderTimeoutMillis < 0 || firstByteTimeoutMillis < 0) {
            throw new IllegalArgumentException("maxBodyBytes >= -1 and timeouts >= 0 required");
        }
        this.firstByteTimeoutMillis = firstByteTimeoutMillis;
        this.maxRequestLineBytes = maxRequestLineBytes;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaderCount = maxHeaderCount;
        this.maxBodyBytes = maxBodyBytes;
        this.requestHeaderTimeoutMillis = requestHeaderTimeoutMillis;
    }

    /** Longest request line accepted, in bytes, CRLF excluded. */
    public int maxRequestLineBytes() {
        return maxRequestLineBytes;
    }

    /** Longest head accepted, in bytes, request line and final blank line included. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** Most header fields accepted in one head (and in one trailer section). */
    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    /** Largest request body accepted, in bytes; -1 for no limit. */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** Time allowed to receive a whole head from its first byte; 0 = no limit. */
    public long requestHeaderTimeoutMillis() {
        return requestHeaderTimeoutMillis;
    }

    /** Time a new connection may stay silent before its first byte; 0 = no limit. */
    public long firstByteTimeoutMillis() {
        return firstByteTimeoutMillis;
    }

    /** A copy with another maxRequestLineBytes. */
    public Http1Limits withMaxRequestLineBytes(final int v) {
        return new Http1Limits(v, maxHeaderBytes, maxHeaderCount, maxBodyBytes, requestHeaderTimeoutMillis,
            firstByteTimeoutMillis);
    }

    /** A copy with another maxHeaderBytes. */
    public Http1Limits withMaxHeaderBytes(final int v) {
        return new Http1Limits(maxRequestLineBytes, v, maxHeaderCount, maxBodyBytes, requestHeaderTimeoutMillis,
            firstByteTimeoutMillis);
    }

    /** A copy with another maxHeaderCount. */
    public Http1Limits withMaxHeaderCount(final int v) {
        return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, v, maxBodyBytes, requestHeaderTimeoutMillis,
            firstByteTimeoutMillis);
    }

    /** A copy with another maxBodyBytes. */
    public Http1Limits withMaxBodyBytes(final long v) {
        return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, v, requestHeaderTimeoutMillis,
            firstByteTimeoutMillis);
    }

    /** A copy with another requestHeaderTimeoutMillis. */
    public Http1Limits withRequestHeaderTimeoutMillis(final long v) {
        return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, v,
            firstByteTimeoutMillis);
    }

    /** A copy with another firstByteTimeoutMillis. */
    public Http1Limits withFirstByteTimeoutMillis(final long v) {
        return new Http1Limits(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes,
            requestHeaderTimeoutMillis, v);
    }

    @Override
    public String toString() {
        return "Http1Limits(line=" + maxRequestLineBytes + ", head=" + maxHeaderBytes + ", count=" + maxHeaderCount
            + ", body=" + maxBodyBytes + ", headTimeoutMs=" + requestHeaderTimeoutMillis + ", firstByteTimeoutMs="
            + firstByteTimeoutMillis + ")";
    }
}
