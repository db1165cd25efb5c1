package io.strait.core.codec.http2;

import io.netty.handler.codec.EmptyHeaders;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One HEADERS block as a flat list of {@link AsciiString} name/value pairs, in arrival order, reused block after block:
 * the {@link Http2Headers} that Strait's HPACK decoder ({@link Http2HeaderListDecoder}) fills and that
 * {@link Http2ResponseHeaders} hands to Netty's HPACK encoder, instead of a {@code DefaultHttp2Headers} (a hash table
 * with an entry object per field, made per block). Names and values are kept by reference, never copied.
 *
 * <p>With {@code validate} it refuses what {@code DefaultHttp2Headers(true, true)} refuses, with the same
 * exceptions and messages (which Netty's HPACK decoder turns into a stream PROTOCOL_ERROR): an empty name, an unknown
 * or repeated pseudo-header, a name that is not a lower-case token, a value with a prohibited character, an empty
 * pseudo-header value. Lookups are exact (case-sensitive), as in {@code DefaultHttp2Headers}.
 *
 * <p>Implements what Netty's codec and Strait call (add, get, getAll, contains, set, setLong, remove, size, clear,
 * iteration and the pseudo-header accessors); the rest is {@link EmptyHeaders}'s (empty answers, and
 * {@link UnsupportedOperationException} for other mutators). Not thread-safe; confined to its connection's loop.
 */
public final class Http2HeaderList extends EmptyHeaders<CharSequence, CharSequence, Http2Headers>
    implements Http2Headers {

    private static final int INITIAL_CAPACITY = 16;
    private static final AsciiString METHOD = PseudoHeaderName.METHOD.value();
    private static final AsciiString SCHEME = PseudoHeaderName.SCHEME.value();
    private static final AsciiString AUTHORITY = PseudoHeaderName.AUTHORITY.value();
    private static final AsciiString PATH = PseudoHeaderName.PATH.value();
    private static final AsciiString STATUS = PseudoHeaderName.STATUS.value();

    private final boolean validate;
    private AsciiString[] names = new AsciiString[INITIAL_CAPACITY];
    private AsciiString[] values = new AsciiString[INITIAL_CAPACITY];
    private int size;
    /** The iterator handed out while no other iteration is under way (the HPACK encoder iterates twice per block). */
    private final Cursor cursor = new Cursor();

    /**
     * A list; {@code validate}: check each added field as {@code DefaultHttp2Headers(true, true)} does (for what a
     * client sends), else take fields as given (for what the proxy writes).
     */
    public Http2HeaderList(final boolean validate) {
        this.validate = validate;
    }

    /** A copy of {@code headers}, unvalidated (for callers that hold some other {@link Http2Headers}). */
    static Http2HeaderList copyOf(final Http2Headers headers) {
        final Http2HeaderList list = new Http2HeaderList(false);
        for (final Map.Entry<CharSequence, CharSequence> e : headers) {
            list.add(e.getKey(), e.getValue());
        }
        return list;
    }

    /** Field {@code i}'s name. */
    public AsciiString name(final int i) {
        return names[i];
    }

    /** Field {@code i}'s value. */
    public AsciiString value(final int i) {
        return values[i];
    }

    /** Appends a field without validation or conversion (the proxy's own, already lower-case, names). */
    void append(final AsciiString name, final AsciiString value) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size << 1);
            values = Arrays.copyOf(values, size << 1);
        }
        names[size] = name;
        values[size] = value;
        size++;
    }

    @Override
    public Http2Headers add(final CharSequence name, final CharSequence value) {
        if (name == null || value == null) {
            throw new NullPointerException(name == null ? "name" : "value");
        }
        if (validate) {
            validate(name, value);
        }
        append(AsciiString.of(name), AsciiString.of(value));
        return this;
    }

    private void validate(final CharSequence name, final CharSequence value) {
        if (name.length() == 0) {
            throw sneaky(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                "empty headers are not allowed [%s]", name));
        }
        final boolean pseudo = PseudoHeaderName.hasPseudoHeaderFormat(name);
        if (pseudo) {
            if (!PseudoHeaderName.isPseudoHeader(name)) {
                throw sneaky(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "Invalid HTTP/2 pseudo-header '%s' encountered.", name));
            }
            if (indexOf(name) >= 0) {
                throw sneaky(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "Duplicate HTTP/2 pseudo-header '%s' encountered.", name));
            }
        } else if (HttpHeaderValidationUtil.validateToken(name) != -1 || hasUpperCase(name)) {
            throw sneaky(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "invalid header name [%s]", name));
        }
        final int bad = HttpHeaderValidationUtil.validateValidHeaderValue(value);
        if (bad != -1) {
            throw new IllegalArgumentException("Validation failed for header '" + name + "'",
                new IllegalArgumentException("a header value contains prohibited character 0x"
                    + Integer.toHexString(value.charAt(bad)) + " at index " + bad + '.'));
        }
        if (pseudo && value.length() == 0) {
            throw sneaky(Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                "HTTP/2 pseudo-header '%s' must not be empty.", name));
        }
    }

    private static boolean hasUpperCase(final CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** Throws {@code t} unchecked, as {@code DefaultHttp2Headers}' validator does with its {@link Http2Exception}s. */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(final Throwable t) throws T {
        throw (T) t;
    }

    /** Index of the first field named exactly {@code name}, or -1. */
    public int indexOf(final CharSequence name) {
        for (int i = 0; i < size; i++) {
            if (names[i].contentEquals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public CharSequence get(final CharSequence name) {
        final int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public List<CharSequence> getAll(final CharSequence name) {
        List<CharSequence> all = null;
        for (int i = 0; i < size; i++) {
            if (names[i].contentEquals(name)) {
                if (all == null) {
                    all = new ArrayList<>(2);
                }
                all.add(values[i]);
            }
        }
        return all == null ? Collections.emptyList() : all;
    }

    @Override
    public boolean contains(final CharSequence name) {
        return indexOf(name) >= 0;
    }

    @Override
    public boolean contains(final CharSequence name, final CharSequence value) {
        return contains(name, value, false);
    }

    @Override
    public boolean contains(final CharSequence name, final CharSequence value, final boolean caseInsensitive) {
        for (int i = 0; i < size; i++) {
            if (names[i].contentEquals(name)
                && (caseInsensitive ? values[i].contentEqualsIgnoreCase(value) : values[i].contentEquals(value))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Http2Headers set(final CharSequence name, final CharSequence value) {
        remove(name);
        return add(name, value);
    }

    /** Keeps the first field of {@code name} when it already reads {@code value} (no new string), drops the rest. */
    @Override
    public Http2Headers setLong(final CharSequence name, final long value) {
        final int first = indexOf(name);
        if (first >= 0 && parses(values[first], value)) {
            final AsciiString n = names[first];
            final AsciiString v = values[first];
            remove(name);
            append(n, v);
            return this;
        }
        remove(name);
        append(AsciiString.of(name), AsciiString.of(Long.toString(value)));
        return this;
    }

    private static boolean parses(final AsciiString s, final long value) {
        final int n = s.length();
        if (n == 0 || n > 19 || n > 1 && s.byteAt(0) == '0') {
            return false;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            final byte b = s.byteAt(i);
            if (b < '0' || b > '9') {
                return false;
            }
            v = v * 10 + (b - '0');
        }
        return v == value;
    }

    @Override
    public boolean remove(final CharSequence name) {
        int w = 0;
        for (int r = 0; r < size; r++) {
            if (!names[r].contentEquals(name)) {
                names[w] = names[r];
                values[w] = values[r];
                w++;
            }
        }
        final boolean removed = w < size;
        Arrays.fill(names, w, size, null);
        Arrays.fill(values, w, size, null);
        size = w;
        return removed;
    }

    @Override
    public Http2Headers clear() {
        Arrays.fill(names, 0, size, null);
        Arrays.fill(values, 0, size, null);
        size = 0;
        cursor.busy = false;
        return this;
    }

    @Override
    public Iterator<Map.Entry<CharSequence, CharSequence>> iterator() {
        if (cursor.busy) {
            return new Cursor().start();   // a nested iteration: its own cursor
        }
        return cursor.start();
    }

    @Override
    public Iterator<CharSequence> valueIterator(final CharSequence name) {
        return getAll(name).iterator();
    }

    @Override
    public Http2Headers method(final CharSequence value) {
        return set(METHOD, value);
    }

    @Override
    public Http2Headers scheme(final CharSequence value) {
        return set(SCHEME, value);
    }

    @Override
    public Http2Headers authority(final CharSequence value) {
        return set(AUTHORITY, value);
    }

    @Override
    public Http2Headers path(final CharSequence value) {
        return set(PATH, value);
    }

    @Override
    public Http2Headers status(final CharSequence value) {
        return set(STATUS, value);
    }

    @Override
    public CharSequence method() {
        return get(METHOD);
    }

    @Override
    public CharSequence scheme() {
        return get(SCHEME);
    }

    @Override
    public CharSequence authority() {
        return get(AUTHORITY);
    }

    @Override
    public CharSequence path() {
        return get(PATH);
    }

    @Override
    public CharSequence status() {
        return get(STATUS);
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("Http2HeaderList[");
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(names[i]).append(": ").append(values[i]);
        }
        return sb.append(']').toString();
    }

    /** Iterator and entry at once: the entry is valid until the next {@code next()}. */
    private final class Cursor implements Iterator<Map.Entry<CharSequence, CharSequence>>,
        Map.Entry<CharSequence, CharSequence> {

        private int next;
        private int current;
        private boolean busy;

        Cursor start() {
            next = 0;
            busy = true;
            return this;
        }

        @Override
        public boolean hasNext() {
            if (next < size) {
                return true;
            }
            busy = false;
            return false;
        }

        @Override
        public Map.Entry<CharSequence, CharSequence> next() {
            if (next >= size) {
                busy = false;
                throw new NoSuchElementException();
            }
            current = next++;
            return this;
        }

        @Override
        public CharSequence getKey() {
            return names[current];
        }

        @Override
        public CharSequence getValue() {
            return values[current];
        }

        @Override
        public CharSequence setValue(final CharSequence value) {
            throw new UnsupportedOperationException();
        }
    }
}
