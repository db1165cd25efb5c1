package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

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
 * byte comparison on a hash hit. Wildcard suffixes sit in one such table per suffix length, keyed by a
 * hash taken from the last byte backwards, so one backward pass over the authority yields the hash of
 * each of its suffixes and probes only the lengths that exist: the cost does not grow with the number of
 * wildcard domains. Neither allocates.
 */
final class VirtualHostMatcher {

    /** Exact domains (lower-cased bytes), hashed front to back. */
    private final Table exact;
    /** Wildcard suffixes (lower-cased, without the '*'), one table per length, shortest first; hashed back to front. */
    private final Table[] suffixTables;
    /** Index of the {@code *} virtual host, or -1. */
    private final int defaultIndex;

    private VirtualHostMatcher(final Table exact, final Table[] suffixTables, final int defaultIndex) {
        this.exact = exact;
        this.suffixTables = suffixTables;
        this.defaultIndex = defaultIndex;
    }

    /**
     * Builds a matcher.
     *
     * @param domainsPerHost for each virtual host, in order, its domains
     */
    static VirtualHostMatcher build(final List<List<String>> domainsPerHost) {
        final List<byte[]> exactKeys = new ArrayList<>();
        final List<Integer> exactOwners = new ArrayList<>();
        final TreeMap<Integer, List<byte[]>> wildKeys = new TreeMap<>();
        final TreeMap<Integer, List<Integer>> wildOwners = new TreeMap<>();
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
                    final List<byte[]> keys = wildKeys.computeIfAbsent(suffix.length, k -> new ArrayList<>());
                    if (indexOf(keys, suffix) < 0) {   // the first declaring virtual host wins
                        keys.add(suffix);
                        wildOwners.computeIfAbsent(suffix.length, k -> new ArrayList<>()).add(vh);
                    }
                } else {
                    final byte[] key = d.getBytes(StandardCharsets.UTF_8);
                    if (indexOf(exactKeys, key) < 0) {
                        exactKeys.add(key);
                        exactOwners.add(vh);
                    }
                }
            }
        }
        final Table[] suffixTables = new Table[wildKeys.size()];
        int t = 0;
        for (final Integer length : wildKeys.keySet()) {
            suffixTables[t++] = Table.build(length, wildKeys.get(length), wildOwners.get(length), true);
        }
        return new VirtualHostMatcher(Table.build(-1, exactKeys, exactOwners, false), suffixTables, defaultIndex);
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
        int vh = exact.find(mix(h), buf, arr, off, len);
        if (vh >= 0) {
            return vh;
        }
        if (strippedLen < len) {
            vh = exact.find(mix(strippedHash), buf, arr, off, strippedLen);
            if (vh >= 0) {
                return vh;
            }
        }
        if (suffixTables.length > 0) {
            vh = longestSuffix(buf, arr, off, len);
            if (vh >= 0) {
                return vh;
            }
            if (strippedLen < len) {
                vh = longestSuffix(buf, arr, off, strippedLen);
                if (vh >= 0) {
                    return vh;
                }
            }
        }
        return defaultIndex;
    }

    /** The virtual host of the longest wildcard suffix strictly shorter than the value that ends it, or -1. */
    private int longestSuffix(final ByteBuf buf, final byte[] arr, final int off, final int len) {
        final Table[] tables = suffixTables;
        int found = -1;
        int t = 0;
        int h = 0;
        // k = number of trailing bytes hashed so far; tables are shortest first, so the last hit is the longest.
        for (int k = 1; k < len && t < tables.length; k++) {
            h = 31 * h + lower(byteAt(buf, arr, off, len - k));
            if (k == tables[t].length) {
                final int vh = tables[t].find(mix(h), buf, arr, off + len - k, k);
                if (vh >= 0) {
                    found = vh;
                }
                t++;
            }
        }
        return found;
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

    private static byte byteAt(final ByteBuf buf, final byte[] arr, final int off, final int i) {
        return arr != null ? arr[off + i] : buf.getByte(off + i);
    }

    private static byte lower(final byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
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

    /** An open-addressing (linear probing) table from lower-cased byte strings to virtual host indexes. Immutable. */
    private static final class Table {
        /** The length of every key (suffix tables), or -1 (exact table). */
        final int length;
        private final byte[][] keys;
        private final int[] hashes;
        private final int[] values;
        private final int mask;

        private Table(final int length, final byte[][] keys, final int[] hashes, final int[] values) {
            this.length = length;
            this.keys = keys;
            this.hashes = hashes;
            this.values = values;
            this.mask = keys.length - 1;
        }

        /** Builds a table; {@code backwards} hashes each key from its last byte to its first. */
        static Table build(final int length, final List<byte[]> keys, final List<Integer> owners,
                           final boolean backwards) {
            int capacity = 2;
            while (capacity < keys.size() * 2) {
                capacity <<= 1;
            }
            final byte[][] slots = new byte[capacity][];
            final int[] hashes = new int[capacity];
            final int[] values = new int[capacity];
            for (int i = 0; i < keys.size(); i++) {
                final byte[] key = keys.get(i);
                int h = 0;
                for (int k = 0; k < key.length; k++) {
                    h = 31 * h + key[backwards ? key.length - 1 - k : k];   // keys are lower-cased already
                }
                h = mix(h);
                int slot = h & (capacity - 1);
                while (slots[slot] != null) {
                    slot = (slot + 1) & (capacity - 1);
                }
                slots[slot] = key;
                hashes[slot] = h;
                values[slot] = owners.get(i);
            }
            return new Table(length, slots, hashes, values);
        }

        /** The value for the key equal (ASCII case-insensitively) to {@code len} bytes at {@code off}, or -1. */
        int find(final int hash, final ByteBuf buf, final byte[] arr, final int off, final int len) {
            final byte[][] ks = keys;
            final int m = mask;
            int slot = hash & m;
            byte[] key;
            while ((key = ks[slot]) != null) {
                if (hashes[slot] == hash && key.length == len && equalsLower(key, buf, arr, off, len)) {
                    return values[slot];
                }
                slot = (slot + 1) & m;
            }
            return -1;
        }

        private static boolean equalsLower(final byte[] lowerKey, final ByteBuf buf, final byte[] arr, final int off,
                                           final int len) {
            for (int i = 0; i < len; i++) {
                if (lowerKey[i] != lower(byteAt(buf, arr, off, i))) {
                    return false;
                }
            }
            return true;
        }
    }
}
