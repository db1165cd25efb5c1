package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.netty.util.internal.PlatformDependent;

import java.util.Arrays;

/**
 * The header fields of one request or response, protocol-neutral. Confined to one event loop.
 *
 * <p>Entries come in two kinds, kept in one ordered list:
 * <ul>
 *   <li><b>wire</b> entries, recorded by a codec as offsets into the head's original bytes (the
 *       {@code backing} buffer): nothing is copied until the head is forwarded, and then the original
 *       bytes of each live line are copied as they came ({@link #forEachLive});</li>
 *   <li><b>added</b> entries, {@link AsciiString} name/value pairs put in by the proxy
 *       (X-Forwarded-For, route header edits) or by a codec that decodes into values (HTTP/2 later).</li>
 * </ul>
 * Removal marks entries dead; nothing moves. Names are matched case-insensitively (ASCII).
 *
 * <p>The block never owns {@code backing}: the head that created it holds the reference count.
 */
public final class HttpHeaderBlock {

    private static final int INITIAL_CAPACITY = 16;
    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

    /** Called for each live entry by {@link #forEachLive}. */
    public interface Visitor {
        /**
         * One live header line.
         *
         * @param block  the block (to read the entry through)
         * @param index  the entry's index
         */
        void visit(HttpHeaderBlock block, int index);
    }

    private ByteBuf backing;
    private int size;
    private int liveCount;
    /** For wire entries: offsets into backing (absolute indexes); -1 for added entries. */
    private int[] nameStart = new int[INITIAL_CAPACITY];
    private int[] nameEnd = new int[INITIAL_CAPACITY];
    private int[] valueStart = new int[INITIAL_CAPACITY];
    private int[] valueEnd = new int[INITIAL_CAPACITY];
    private AsciiString[] addedName = new AsciiString[INITIAL_CAPACITY];
    private AsciiString[] addedValue = new AsciiString[INITIAL_CAPACITY];
    private boolean[] dead = new boolean[INITIAL_CAPACITY];

    /** Clears the block for reuse and points it at new backing bytes (may be null). */
    public void reset(final ByteBuf backing) {
        this.backing = backing;
        Arrays.fill(addedName, 0, size, null);
        Arrays.fill(addedValue, 0, size, null);
        Arrays.fill(dead, 0, size, false);
        size = 0;
        liveCount = 0;
    }

    /** The buffer wire entries point into, or null. */
    public ByteBuf backing() {
        return backing;
    }

    /** Number of entries, dead ones included; indexes run from 0 to size() - 1. */
    public int size() {
        return size;
    }

    /** Number of live entries. */
    public int liveCount() {
        return liveCount;
    }

    /**
     * Records a wire entry: absolute offsets into {@link #backing()} of the name and of the value
     * (optional whitespace already trimmed by the codec).
     *
     * @return the entry's index
     */
    public int addWire(final int nStart, final int nEnd, final int vStart, final int vEnd) {
        final int i = grow();
        nameStart[i] = nStart;
        nameEnd[i] = nEnd;
        valueStart[i] = vStart;
        valueEnd[i] = vEnd;
        return i;
    }

    /** Appends a header; the name should be lower case (HTTP/2 requires it, HTTP/1.1 does not care). */
    public int add(final AsciiString name, final AsciiString value) {
        final int i = grow();
        nameStart[i] = -1;
        addedName[i] = name;
        addedValue[i] = value;
        return i;
    }

    /** Appends a header, converting the value to ASCII. */
    public int add(final AsciiString name, final CharSequence value) {
        return add(name, value instanceof AsciiString ? (AsciiString) value : new AsciiString(value));
    }

    /** Removes every live entry with this name; returns how many were removed. */
    public int remove(final CharSequence name) {
        int removed = 0;
        for (int i = 0; i < size; i++) {
            if (!dead[i] && nameEquals(i, name)) {
                dead[i] = true;
                removed++;
            }
        }
        liveCount -= removed;
        return removed;
    }

    /** Marks one entry dead. */
    public void remove(final int index) {
        if (!dead[index]) {
            dead[index] = true;
            liveCount--;
        }
    }

    /** Replaces all entries of this name with one added entry. */
    public void set(final AsciiString name, final AsciiString value) {
        remove(name);
        add(name, value);
    }

    /** True if the entry is dead (removed). */
    public boolean isDead(final int index) {
        return dead[index];
    }

    /** True if the entry was added rather than read off the wire. */
    public boolean isAdded(final int index) {
        return nameStart[index] < 0;
    }

    /** Index of the first live entry with this name at or after {@code from}, or -1. */
    public int indexOf(final CharSequence name, final int from) {
        for (int i = from; i < size; i++) {
            if (!dead[i] && nameEquals(i, name)) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first live entry with this name, or -1. */
    public int indexOf(final CharSequence name) {
        return indexOf(name, 0);
    }

    /** True if a live entry has this name. */
    public boolean contains(final CharSequence name) {
        return indexOf(name, 0) >= 0;
    }

    /** ASCII case-insensitive comparison of entry {@code index}'s name with {@code name}. */
    public boolean nameEquals(final int index, final CharSequence name) {
        if (nameStart[index] < 0) {
            return addedName[index].contentEqualsIgnoreCase(name);
        }
        final int start = nameStart[index];
        final int len = nameEnd[index] - start;
        if (len != name.length()) {
            return false;
        }
        return bytesMatch(backing, start, name, len, true);
    }

    /** Exact (case-sensitive) comparison of entry {@code index}'s value. */
    public boolean valueEquals(final int index, final CharSequence value) {
        return valueRegionMatches(index, value, false, true);
    }

    /** ASCII case-insensitive comparison of entry {@code index}'s value. */
    public boolean valueEqualsIgnoreCase(final int index, final CharSequence value) {
        return valueRegionMatches(index, value, true, true);
    }

    /** True if entry {@code index}'s value starts with {@code prefix} (case-sensitive). */
    public boolean valueStartsWith(final int index, final CharSequence prefix) {
        return valueRegionMatches(index, prefix, false, false);
    }

    private boolean valueRegionMatches(final int index, final CharSequence s, final boolean ignoreCase,
                                       final boolean whole) {
        if (nameStart[index] < 0) {
            final AsciiString v = addedValue[index];
            if (whole ? v.length() != s.length() : v.length() < s.length()) {
                return false;
            }
            return ignoreCase ? v.regionMatches(true, 0, s, 0, s.length())
                              : v.regionMatches(0, s, 0, s.length());
        }
        final int start = valueStart[index];
        final int len = valueEnd[index] - start;
        final int n = s.length();
        if (whole ? len != n : len < n) {
            return false;
        }
        return bytesMatch(backing, start, s, n, ignoreCase);
    }

    /**
     * Compares {@code n} bytes of {@code b} from {@code start} with {@code s}. The region was recorded by a codec
     * within the buffer's bytes, so memory or array access is checked once here, not per byte by {@code getByte}
     * (whose reference-count check was 2.4% of an h2 exchange's CPU in Http2ProxyPathBenchmark).
     */
    private static boolean bytesMatch(final ByteBuf b, final int start, final CharSequence s, final int n,
                                      final boolean ignoreCase) {
        if (UNSAFE && b.hasMemoryAddress()) {
            final long at = b.memoryAddress() + start;
            for (int k = 0; k < n; k++) {
                if (!same(PlatformDependent.getByte(at + k), (byte) s.charAt(k), ignoreCase)) {
                    return false;
                }
            }
        } else if (b.hasArray()) {
            final byte[] a = b.array();
            final int at = b.arrayOffset() + start;
            for (int k = 0; k < n; k++) {
                if (!same(a[at + k], (byte) s.charAt(k), ignoreCase)) {
                    return false;
                }
            }
        } else {
            for (int k = 0; k < n; k++) {
                if (!same(b.getByte(start + k), (byte) s.charAt(k), ignoreCase)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean same(final byte x, final byte y, final boolean ignoreCase) {
        return x == y || ignoreCase && toLower(x) == toLower(y);
    }

    /** Length of entry {@code index}'s name in bytes. */
    public int nameLength(final int index) {
        return nameStart[index] < 0 ? addedName[index].length() : nameEnd[index] - nameStart[index];
    }

    /** Byte {@code k} of entry {@code index}'s name, as sent (any case). */
    public byte nameByteAt(final int index, final int k) {
        return nameStart[index] < 0 ? addedName[index].byteAt(k) : backing.getByte(nameStart[index] + k);
    }

    /** Length of entry {@code index}'s value in bytes. */
    public int valueLength(final int index) {
        return nameStart[index] < 0 ? addedValue[index].length() : valueEnd[index] - valueStart[index];
    }

    /** Absolute offset of a wire entry's value in {@link #backing()}; -1 for added entries. */
    public int valueStart(final int index) {
        return nameStart[index] < 0 ? -1 : valueStart[index];
    }

    /** Absolute offset of a wire entry's name in {@link #backing()}; -1 for added entries. */
    public int nameStart(final int index) {
        return nameStart[index];
    }

    /** Absolute end offset (exclusive) of a wire entry's name; -1 for added entries. */
    public int nameEnd(final int index) {
        return nameStart[index] < 0 ? -1 : nameEnd[index];
    }

    /** Absolute end offset (exclusive) of a wire entry's value; -1 for added entries. */
    public int valueEnd(final int index) {
        return nameStart[index] < 0 ? -1 : valueEnd[index];
    }

    /** Entry {@code index}'s name; copies bytes for wire entries (not for the hot path). */
    public AsciiString name(final int index) {
        if (nameStart[index] < 0) {
            return addedName[index];
        }
        return copy(nameStart[index], nameEnd[index]);
    }

    /** Entry {@code index}'s value; copies bytes for wire entries (use the compare methods where possible). */
    public AsciiString value(final int index) {
        if (nameStart[index] < 0) {
            return addedValue[index];
        }
        return copy(valueStart[index], valueEnd[index]);
    }

    /** The value of the first live entry with this name, or null (copies; see {@link #value(int)}). */
    public AsciiString get(final CharSequence name) {
        final int i = indexOf(name, 0);
        return i < 0 ? null : value(i);
    }

    /** Writes entry {@code index}'s name bytes to {@code out}. */
    public void writeName(final int index, final ByteBuf out) {
        if (nameStart[index] < 0) {
            final AsciiString n = addedName[index];
            out.writeBytes(n.array(), n.arrayOffset(), n.length());
        } else {
            out.writeBytes(backing, nameStart[index], nameEnd[index] - nameStart[index]);
        }
    }

    /**
     * Writes added entry {@code index} as an HTTP/1.1 field line ({@code name: value} and CRLF) with one capacity
     * check, not the four checked writes of its parts (an HTTP/2 request's fields are all added entries).
     */
    public void writeAddedLine(final int index, final ByteBuf out) {
        final AsciiString n = addedName[index];
        final AsciiString v = addedValue[index];
        final int nl = n.length();
        final int vl = v.length();
        final int len = nl + vl + 4;
        out.ensureWritable(len);
        final int w = out.writerIndex();
        if (UNSAFE && out.hasMemoryAddress()) {
            final long a = out.memoryAddress() + w;
            PlatformDependent.copyMemory(n.array(), n.arrayOffset(), a, nl);
            PlatformDependent.putByte(a + nl, (byte) ':');
            PlatformDependent.putByte(a + nl + 1, (byte) ' ');
            PlatformDependent.copyMemory(v.array(), v.arrayOffset(), a + nl + 2, vl);
            PlatformDependent.putByte(a + len - 2, (byte) '\r');
            PlatformDependent.putByte(a + len - 1, (byte) '\n');
        } else {
            out.setBytes(w, n.array(), n.arrayOffset(), nl);
            out.setByte(w + nl, ':');
            out.setByte(w + nl + 1, ' ');
            out.setBytes(w + nl + 2, v.array(), v.arrayOffset(), vl);
            out.setByte(w + len - 2, '\r');
            out.setByte(w + len - 1, '\n');
        }
        out.writerIndex(w + len);
    }

    /** Writes entry {@code index}'s value bytes to {@code out}. */
    public void writeValue(final int index, final ByteBuf out) {
        if (nameStart[index] < 0) {
            final AsciiString v = addedValue[index];
            out.writeBytes(v.array(), v.arrayOffset(), v.length());
        } else {
            out.writeBytes(backing, valueStart[index], valueEnd[index] - valueStart[index]);
        }
    }

    /**
     * Copies the first {@code length} bytes of entry {@code index}'s value to {@code dst} at absolute index
     * {@code dstIndex}; {@code dst}'s indexes do not move. Allocates nothing.
     */
    public void copyValue(final int index, final ByteBuf dst, final int dstIndex, final int length) {
        if (nameStart[index] < 0) {
            final AsciiString v = addedValue[index];
            dst.setBytes(dstIndex, v.array(), v.arrayOffset(), length);
        } else {
            dst.setBytes(dstIndex, backing, valueStart[index], length);
        }
    }

    /** Calls {@code visitor} for each live entry in order. */
    public void forEachLive(final Visitor visitor) {
        for (int i = 0; i < size; i++) {
            if (!dead[i]) {
                visitor.visit(this, i);
            }
        }
    }

    private AsciiString copy(final int start, final int end) {
        final byte[] bytes = new byte[end - start];
        backing.getBytes(start, bytes);
        return new AsciiString(bytes, false);
    }

    private int grow() {
        final int i = size;
        if (i == nameStart.length) {
            final int n = i << 1;
            nameStart = Arrays.copyOf(nameStart, n);
            nameEnd = Arrays.copyOf(nameEnd, n);
            valueStart = Arrays.copyOf(valueStart, n);
            valueEnd = Arrays.copyOf(valueEnd, n);
            addedName = Arrays.copyOf(addedName, n);
            addedValue = Arrays.copyOf(addedValue, n);
            dead = Arrays.copyOf(dead, n);
        }
        size = i + 1;
        liveCount++;
        return i;
    }

    private static byte toLower(final byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    @Override
    public String toString() {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            if (!dead[i]) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(name(i)).append(": ").append(value(i));
            }
        }
        return sb.append('}').toString();
    }
}
