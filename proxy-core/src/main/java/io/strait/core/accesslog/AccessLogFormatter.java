package io.strait.core.accesslog;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Stateless. Turns one record of the ring into one line of text or JSON in a byte array (the writer's reused line
 * buffer). Runs on the writer thread only; allocates nothing.
 *
 * <p>Text is Envoy's default format, field for field:
 * <pre>
 * [START_TIME] "METHOD PATH PROTOCOL" RESPONSE_CODE RESPONSE_FLAGS BYTES_RECEIVED BYTES_SENT DURATION
 * UPSTREAM_SERVICE_TIME "X-FORWARDED-FOR" "USER-AGENT" "X-REQUEST-ID" "AUTHORITY" "UPSTREAM_HOST"
 * </pre>
 * followed, on listeners that verify client certificates ({@link AccessLogRecord#TEXT_PEER}), by
 * {@code "DOWNSTREAM_PEER_URI_SAN"}; with {@code -} for what is absent. Bytes outside printable ASCII, and
 * {@code "} and {@code \}, are escaped (backslash-x and two hex digits, or a backslash before the quote or
 * backslash), so a header cannot break a line or forge a field. JSON escapes the way JSON does, bytes of 0x80 and
 * up as six-byte backslash-u escapes (the output is always valid UTF-8).
 */
public final class AccessLogFormatter {

    /** The longest line one record can make (every byte of every field escaped to 6 bytes, plus the rest). */
    public static final int MAX_LINE = 512 + 6 * (AccessLogRecord.MAX_LENGTH - AccessLogRecord.FIELDS);

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_1_0 = ascii("HTTP/1.0");
    private static final byte[] HTTP_1_1 = ascii("HTTP/1.1");
    private static final byte[] HTTP_2 = ascii("HTTP/2");
    private static final byte[] NULL = ascii("null");

    private static final byte[][] JSON_KEYS = {
        ascii("{\"start_time\":\""), ascii("\",\"method\":"), ascii(",\"path\":"), ascii(",\"protocol\":"),
        ascii(",\"response_code\":"), ascii(",\"response_flags\":\""), ascii("\",\"bytes_received\":"),
        ascii(",\"bytes_sent\":"), ascii(",\"duration\":"), ascii(",\"upstream_service_time\":"),
        ascii(",\"x_forwarded_for\":"), ascii(",\"user_agent\":"), ascii(",\"request_id\":"),
        ascii(",\"authority\":"), ascii(",\"upstream_host\":"), ascii(",\"downstream_peer_uri_san\":"),
        ascii("}\n")};

    private AccessLogFormatter() {
    }

    /**
     * Formats the record at {@code index} (of {@code length} bytes) of {@code src} into {@code out} from
     * {@code pos}, which must leave {@link #MAX_LINE} bytes of room.
     *
     * @param format {@link AccessLogRecord#TEXT}, {@link AccessLogRecord#TEXT_PEER} or {@link AccessLogRecord#JSON}
     * @return the position after the line (its newline included)
     */
    public static int format(final DirectBuffer src, final int index, final int length, final int format,
                             final byte[] out, final int pos) {
        return format == AccessLogRecord.JSON ? json(src, index, out, pos)
            : text(src, index, out, pos, format == AccessLogRecord.TEXT_PEER);
    }

    private static int text(final DirectBuffer b, final int index, final byte[] out, final int pos,
                            final boolean withPeer) {
        int p = pos;
        out[p++] = '[';
        p = isoTime(b.getLong(index + AccessLogRecord.START_MILLIS), out, p);
        out[p++] = ']';
        out[p++] = ' ';
        out[p++] = '"';
        final int method = index + AccessLogRecord.FIELDS;
        final int path = next(b, method);
        p = textValue(b, method, out, p);
        out[p++] = ' ';
        p = textValue(b, path, out, p);
        out[p++] = ' ';
        p = put(protocol(b.getByte(index + AccessLogRecord.VERSION)), out, p);
        out[p++] = '"';
        out[p++] = ' ';
        p = decimal(b.getInt(index + AccessLogRecord.STATUS), out, p);
        out[p++] = ' ';
        p = flags(b.getInt(index + AccessLogRecord.FLAGS), out, p);
        out[p++] = ' ';
        p = decimal(b.getLong(index + AccessLogRecord.BYTES_RECEIVED), out, p);
        out[p++] = ' ';
        p = decimal(b.getLong(index + AccessLogRecord.BYTES_SENT), out, p);
        out[p++] = ' ';
        p = decimal(b.getLong(index + AccessLogRecord.DURATION_NANOS) / 1_000_000, out, p);
        out[p++] = ' ';
        final long upstream = b.getLong(index + AccessLogRecord.UPSTREAM_NANOS);
        if (upstream < 0) {
            out[p++] = '-';
        } else {
            p = decimal(upstream / 1_000_000, out, p);
        }
        int f = next(b, path);
        final int fields = withPeer ? AccessLogRecord.FIELD_COUNT : AccessLogRecord.PEER_URI_SAN;
        for (int i = AccessLogRecord.XFF; i < fields; i++) {
            out[p++] = ' ';
            out[p++] = '"';
            p = textValue(b, f, out, p);
            out[p++] = '"';
            f = next(b, f);
        }
        out[p++] = '\n';
        return p;
    }

    private static int json(final DirectBuffer b, final int index, final byte[] out, final int pos) {
        final byte[][] k = JSON_KEYS;
        int p = put(k[0], out, pos);
        p = isoTime(b.getLong(index + AccessLogRecord.START_MILLIS), out, p);
        p = put(k[1], out, p);
        final int method = index + AccessLogRecord.FIELDS;
        final int path = next(b, method);
        p = jsonValue(b, method, out, p);
        p = put(k[2], out, p);
        p = jsonValue(b, path, out, p);
        p = put(k[3], out, p);
        final byte[] protocol = protocol(b.getByte(index + AccessLogRecord.VERSION));
        if (protocol == null) {
            p = put(NULL, out, p);
        } else {
            out[p++] = '"';
            p = put(protocol, out, p);
            out[p++] = '"';
        }
        p = put(k[4], out, p);
        p = decimal(b.getInt(index + AccessLogRecord.STATUS), out, p);
        p = put(k[5], out, p);
        p = flags(b.getInt(index + AccessLogRecord.FLAGS), out, p);
        p = put(k[6], out, p);
        p = decimal(b.getLong(index + AccessLogRecord.BYTES_RECEIVED), out, p);
        p = put(k[7], out, p);
        p = decimal(b.getLong(index + AccessLogRecord.BYTES_SENT), out, p);
        p = put(k[8], out, p);
        p = decimal(b.getLong(index + AccessLogRecord.DURATION_NANOS) / 1_000_000, out, p);
        p = put(k[9], out, p);
        final long upstream = b.getLong(index + AccessLogRecord.UPSTREAM_NANOS);
        p = upstream < 0 ? put(NULL, out, p) : decimal(upstream / 1_000_000, out, p);
        int f = next(b, path);
        for (int i = AccessLogRecord.XFF; i < AccessLogRecord.FIELD_COUNT; i++) {
            p = put(k[10 + i - AccessLogRecord.XFF], out, p);
            p = jsonValue(b, f, out, p);
            f = next(b, f);
        }
        return put(k[10 + AccessLogRecord.FIELD_COUNT - AccessLogRecord.XFF], out, p);
    }

    /** The offset of the field after the one at {@code field}. */
    private static int next(final DirectBuffer b, final int field) {
        return field + 2 + (b.getShort(field) & 0xFFFF);
    }

    private static int textValue(final DirectBuffer b, final int field, final byte[] out, final int pos) {
        final int n = b.getShort(field) & 0xFFFF;
        int p = pos;
        if (n == 0) {
            out[p++] = '-';
            return p;
        }
        for (int i = field + 2, end = field + 2 + n; i < end; i++) {
            final int c = b.getByte(i) & 0xFF;
            if (c == '"' || c == '\\') {
                out[p++] = '\\';
                out[p++] = (byte) c;
            } else if (c < 0x20 || c >= 0x7F) {
                out[p++] = '\\';
                out[p++] = 'x';
                out[p++] = HEX[c >>> 4];
                out[p++] = HEX[c & 0xF];
            } else {
                out[p++] = (byte) c;
            }
        }
        return p;
    }

    private static int jsonValue(final DirectBuffer b, final int field, final byte[] out, final int pos) {
        final int n = b.getShort(field) & 0xFFFF;
        if (n == 0) {
            return put(NULL, out, pos);
        }
        int p = pos;
        out[p++] = '"';
        for (int i = field + 2, end = field + 2 + n; i < end; i++) {
            final int c = b.getByte(i) & 0xFF;
            if (c == '"' || c == '\\') {
                out[p++] = '\\';
                out[p++] = (byte) c;
            } else if (c == '\n') {
                out[p++] = '\\';
                out[p++] = 'n';
            } else if (c == '\r') {
                out[p++] = '\\';
                out[p++] = 'r';
            } else if (c == '\t') {
                out[p++] = '\\';
                out[p++] = 't';
            } else if (c < 0x20 || c >= 0x7F) {
                out[p++] = '\\';
                out[p++] = 'u';
                out[p++] = '0';
                out[p++] = '0';
                out[p++] = HEX[c >>> 4];
                out[p++] = HEX[c & 0xF];
            } else {
                out[p++] = (byte) c;
            }
        }
        out[p++] = '"';
        return p;
    }

    private static byte[] protocol(final byte version) {
        switch (version) {
            case 10:
                return HTTP_1_0;
            case 11:
                return HTTP_1_1;
            case 20:
                return HTTP_2;
            default:
                return null;
        }
    }

    private static int put(final byte[] bytes, final byte[] out, final int pos) {
        if (bytes == null) {
            out[pos] = '-';
            return pos + 1;
        }
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return pos + bytes.length;
    }

    private static int flags(final int flags, final byte[] out, final int pos) {
        if (flags == 0) {
            out[pos] = '-';
            return pos + 1;
        }
        int p = pos;
        boolean first = true;
        for (int i = 0; i < ResponseFlags.CODE_BYTES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (!first) {
                    out[p++] = ',';
                }
                first = false;
                p = put(ResponseFlags.CODE_BYTES[i], out, p);
            }
        }
        return p;
    }

    /** A non-negative decimal (negative values print as 0). */
    static int decimal(final long value, final byte[] out, final int pos) {
        long v = value < 0 ? 0 : value;
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int p = pos + digits;
        final int end = p;
        do {
            out[--p] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return end;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC (years 0000-9999), from epoch milliseconds. */
    static int isoTime(final long epochMillis, final byte[] out, final int pos) {
        final long days = Math.floorDiv(epochMillis, 86_400_000L);
        final long msOfDay = Math.floorMod(epochMillis, 86_400_000L);
        // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097);
        final long doe = z - era * 146_097;
        final long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        final long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        final long mp = (5 * doy + 2) / 153;
        final int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        final int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        final int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        int p = pos;
        p = digits(year, 4, out, p);
        out[p++] = '-';
        p = digits(month, 2, out, p);
        out[p++] = '-';
        p = digits(day, 2, out, p);
        out[p++] = 'T';
        p = digits((int) (msOfDay / 3_600_000), 2, out, p);
        out[p++] = ':';
        p = digits((int) (msOfDay / 60_000 % 60), 2, out, p);
        out[p++] = ':';
        p = digits((int) (msOfDay / 1000 % 60), 2, out, p);
        out[p++] = '.';
        p = digits((int) (msOfDay % 1000), 3, out, p);
        out[p++] = 'Z';
        return p;
    }

    private static int digits(final int value, final int width, final byte[] out, final int pos) {
        int v = value;
        for (int i = pos + width - 1; i >= pos; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return pos + width;
    }

    private static byte[] ascii(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
