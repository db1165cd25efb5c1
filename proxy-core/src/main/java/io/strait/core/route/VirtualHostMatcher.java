package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks a virtual host by a request's authority (Host header, or HTTP/2 {@code :authority}). Immutable.
 *
 * <p>Domains are compared ASCII case-insensitively, in this order; the first hit wins:
 * <ol>
 *   <li>an exact domain equal to the whole authority (so a domain may name a port: {@code api:8080});</li>
 *   <li>an exact domain equal to the authority without its {@code :port} (the port is the digits after the
 *       last ':'; for a bracketed IPv6 literal the ':' must follow the ']', so {@code [::1]:80} becomes
 *       {@code [::1]} and {@code [::1]} stays whole);</li>
 *   <li>the longest {@code *suffix} wildcard whose suffix ends the whole authority, the authority being
 *       longer than the suffix ({@code *.example.com} matches {@code a.example.com} and
 *       {@code a.b.example.com}, not {@code example.com});</li>
 *   <li>the same against the authority without its port;</li>
 *   <li>the {@code *} virtual host, which is also the only candidate when there is no authority.</li>
 * </ol>
 * When several virtual hosts declare the same domain, the first declared wins.
 *
 * <p>Exact domains sit in an open-addressing table keyed by a hash of their lower-cased bytes, with a
 * byte comparison on a hash hit; wildcards are suffix comparisons over the bytes. Neither allocates.
 */
final class VirtualHostMatcher {

    /** Exact table: slot -> lower-cased domain bytes (null = empty), its hash and the virtual host index. */
    private final byte[][] exactKeys;
    private final int[] exactHashes;
    private final int[] exactValues;
    private final int exactMask;
    /** Wildcard suffixes (lower-cased, without the '*'), longest first, and their virtual host index. */
    private final byte[][] suffixes;
    private final int[] suffixValues;
    /** Index of the {@code *} virtual host, or -1. */
    private final int defaultIndex;

    private VirtualHostMatcher(final byte[][] exactKeys, final int[] exactHashes, final int[] exactValues,
                               final byte[][] suffixes, final int[] suffixValues, final int defaultIndex) {
        this.exactKeys = exactKeys;
        this.exactHashes = exactHashes;
        this.exactValues = exactValues;
        this.exactMask = exactKeys.length - 1;
        this.suffixes = suffixes;
        this.suffixValues = suffixValues;
        this.defaultIndex = defaultIndex;
    }

    /**
     * Builds a matcher.
     *
     * @param domainsPerHost for each virtual host, in order, its domains
     */
    static VirtualHostMatcher build(final List<List<String>> domainsPerHost) {
        final List<byte[]> exact = new ArrayList<>();
        final List<Integer> exactOwner = new ArrayList<>();
        final List<byte[]> wild = new ArrayList<>();
        final List<Integer> wildOwner = new ArrayList<>();
        int defaultIndex = -1;
        for (int vh = 0; vh < domainsPerHost.size(); vh++) {
            final List<String> domains = domainsPerHost.get(vh);
            if (domains == null) {
                continue;
            }
            for (final String domain : domains) {
                final String d = domain.toLowerCase(Locale.ROOT);
                if (d.equals("*")) {
                    if (defaultIndex < 0) {
                        defaultIndex = vh;
                    }
                } else if (d.startsWith("*")) {
                    final byte[] suffix = d.substring(1).getBytes(StandardCharsets.UTF_8);
                    if (indexOf(wild, suffix) < 0) {
                        wild.add(suffix);
                        wildOwner.add(vh);
                    }
                } else {
                    final byte[] key = d.getBytes(StandardCharsets.UTF_8);
                    if (indexOf(exact, key) < 0) {
                        exact.add(key);
                        exactOwner.add(vh);
                    }
                }
            }
        }

        int capacity = 2;
        while (capacity < exact.size() * 2) {
            capacity <<= 1;
        }
        final byte[][] keys = new byte[capacity][];
        final int[] hashes = new int[capacity];
        final int[] values = new int[capacity];
        for (int i = 0; i < exact.size(); i++) {
            final byte[] key = exact.get(i);
            final int h = mix(hashLower(key, 0, key.length));
            int slot = h & (capacity - 1);
            while (keys[slot] != null) {
                slot = (slot + 1) & (capacity - 1);
            }
            keys[slot] = key;
            hashes[slot] = h;
            values[slot] = exactOwner.get(i);
        }

        final Integer[] order = new Integer[wild.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort: among equal lengths (distinct suffixes, so at most one can match) declaration order stays.
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> wild.get(i).length).reversed());
        final byte[][] sfx = new byte[order.length][];
        final int[] sfxValues = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            sfx[i] = wild.get(order[i]);
            sfxValues[i] = wildOwner.get(order[i]);
        }
        return new VirtualHostMatcher(keys, hashes, values, sfx, sfxValues, defaultIndex);
    }

    /** The index of the virtual host for this request, or -1 when none matches. */
    int select(final HttpRequestHead head) {
        final int hi = head.hostIndex();
        final HttpHeaderBlock headers = head.headers();
        if (hi < 0 || hi >= headers.size() || headers.isDead(hi)) {
            return defaultIndex;
        }
        if (headers.isAdded(hi)) {
            final AsciiString v = headers.value(hi);   // an added entry: no copy
            return select(null, v.array(), v.arrayOffset(), v.length());
        }
        return select(headers.backing(), null, headers.valueStart(hi), headers.valueLength(hi));
    }

    /** Selection over {@code len} bytes at {@code off} of either {@code buf} or {@code arr}. */
    int select(final ByteBuf buf, final byte[] arr, final int off, final int len) {
        final int strippedLen = hostLength(buf, arr, off, len);
        // One pass hashes both the port-stripped prefix and the whole value.
        int h = 0;
        for (int i = 0; i < strippedLen; i++) {
            h = 31 * h + lower(byteAt(buf, arr, off, i));
        }
        final int strippedHash = h;
        for (int i = strippedLen; i < len; i++) {
            h = 31 * h + lower(byteAt(buf, arr, off, i));
        }
        int vh = lookupExact(mix(h), buf, arr, off, len);
        if (vh >= 0) {
            return vh;
        }
        if (strippedLen < len) {
            vh = lookupExact(mix(strippedHash), buf, arr, off, strippedLen);
            if (vh >= 0) {
                return vh;
            }
        }
        vh = lookupSuffix(buf, arr, off, len);
        if (vh >= 0) {
            return vh;
        }
        if (strippedLen < len) {
            vh = lookupSuffix(buf, arr, off, strippedLen);
            if (vh >= 0) {
                return vh;
            }
        }
        return defaultIndex;
    }

    private int lookupExact(final int hash, final ByteBuf buf, final byte[] arr, final int off, final int len) {
        final byte[][] keys = exactKeys;
        final int mask = exactMask;
        int slot = hash & mask;
        byte[] key;
        while ((key = keys[slot]) != null) {
            if (exactHashes[slot] == hash && key.length == len && equalsLower(key, 0, buf, arr, off, len)) {
                return exactValues[slot];
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    private int lookupSuffix(final ByteBuf buf, final byte[] arr, final int off, final int len) {
        final byte[][] sfx = suffixes;
        for (int i = 0; i < sfx.length; i++) {
            final byte[] s = sfx[i];
            if (len > s.length && equalsLower(s, 0, buf, arr, off + len - s.length, s.length)) {
                return suffixValues[i];
            }
        }
        return -1;
    }

    /**
     * Length of the authority without its {@code :port}: the port is the (possibly empty) run of digits
     * after the last ':'; when the value is a bracketed IPv6 literal, that ':' must follow the ']'.
     */
    static int hostLength(final ByteBuf buf, final byte[] arr, final int off, final int len) {
        int i = len - 1;
        while (i >= 0) {
            final byte b = byteAt(buf, arr, off, i);
            if (b < '0' || b > '9') {
                break;
            }
            i--;
        }
        if (i < 0 || byteAt(buf, arr, off, i) != ':') {
            return len;
        }
        if (byteAt(buf, arr, off, 0) == '[' && (i == 0 || byteAt(buf, arr, off, i - 1) != ']')) {
            return len;
        }
        return i;
    }

    private static boolean equalsLower(final byte[] lowerKey, final int keyOff, final ByteBuf buf, final byte[] arr,
                                       final int off, final int len) {
        for (int i = 0; i < len; i++) {
            if (lowerKey[keyOff + i] != lower(byteAt(buf, arr, off, i))) {
                return false;
            }
        }
        return true;
    }

    private static byte byteAt(final ByteBuf buf, final byte[] arr, final int off, final int i) {
        return arr != null ? arr[off + i] : buf.getByte(off + i);
    }

    private static byte lower(final byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    private static int hashLower(final byte[] bytes, final int off, final int len) {
        int h = 0;
        for (int i = 0; i < len; i++) {
            h = 31 * h + lower(bytes[off + i]);
        }
        return h;
    }

    /** Spreads the polynomial hash so that linear probing over a power-of-two table sees the high bits. */
    private static int mix(final int h) {
        final int x = h * 0x9E3779B9;
        return x ^ (x >>> 16);
    }

    private static int indexOf(final List<byte[]> list, final byte[] key) {
        for (int i = 0; i < list.size(); i++) {
            if (Arrays.equals(list.get(i), key)) {
                return i;
            }
        }
        return -1;
    }
}
