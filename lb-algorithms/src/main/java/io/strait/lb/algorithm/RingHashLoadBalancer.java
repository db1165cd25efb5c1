package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Confined to its event loop (it holds no mutable state, so in fact immutable). Consistent hashing on a ring (Envoy's
 * {@code ring_hash_lb.cc}, after Karger et al. and libketama): every eligible host owns points on a ring of 64-bit
 * hashes, in proportion to its weight, and a request goes to the owner of the first point at or after its hash,
 * wrapping around to the first point. The seed is ignored: every loop, and every proxy with the same hosts, maps a hash
 * to the same host.
 *
 * <p>Ring size, as Envoy computes it: with weights normalised to sum 1 and {@code w_min} the smallest, the scale is
 * {@code min(ceil(w_min * minRingSize) / w_min, maxRingSize)}, so the smallest-weight host gets a whole number of
 * points (at least one) unless the ring would exceed {@code maxRingSize}. Host {@code i} gets the points between the
 * running targets {@code scale * (w_0 + ... + w_i)}, rounded up (Envoy keeps a running sum of {@code scale * w_i}; the
 * cumulative form is the same quantity with less floating-point drift). Equal weights give every host {@code
 * ceil(minRingSize / n)} points. Point {@code j} of a host hashes the bytes of {@code "<address>_<j>"} with {@link
 * XxHash64} (seed 0), {@code <address>} being {@link Host#toString()}, {@code host:port} (Envoy uses the address
 * string, which for IPv6 is bracketed).
 *
 * <p>A pick is a binary search over a sorted {@code long[]} ({@code O(log ring size)}, about 10 to 23 steps) and
 * allocates nothing. The ring is built in {@code O(ring size)} (an LSD radix sort); a factory reuses the ring it built
 * last when it is asked again for the same {@link HostSet} instance, so the loops of one update share one ring.
 */
final class RingHashLoadBalancer extends BaseLoadBalancer {

    /** Envoy's default {@code minimum_ring_size}. */
    static final long DEFAULT_MIN_RING_SIZE = 1024;
    /** Envoy's default, and the largest allowed, {@code maximum_ring_size}: 8M points. */
    static final long DEFAULT_MAX_RING_SIZE = 8L * 1024 * 1024;

    private static final Ring EMPTY = new Ring(new long[0], new Host[0]);

    /** Ring hashes with the sign bit flipped (so signed order is the hashes' unsigned order), ascending. */
    private final long[] points;
    /** The owner of each point. */
    private final Host[] owners;

    private RingHashLoadBalancer(final HostSet set, final RingHashFactory factory) {
        super(set);
        final Ring ring = factory.ringFor(set, hosts);
        this.points = ring.points;
        this.owners = ring.owners;
    }

    /** The number of points on the ring (for tests). */
    int ringSize() {
        return points.length;
    }

    /** The share of the hash space that {@code host} owns, in [0, 1] (for tests). */
    double share(final Host host) {
        final long[] p = points;
        final int n = p.length;
        double owned = 0;
        for (int i = 0; i < n; i++) {
            if (owners[i] == host) {
                // Point i owns (previous point, point i]; point 0 owns the arc that wraps around. Differences of the
                // sign-flipped values are the differences of the hashes, modulo 2^64.
                owned += n == 1 ? 0x1p64 : unsigned(p[i] - p[i == 0 ? n - 1 : i - 1]);
            }
        }
        return owned / 0x1p64;
    }

    private static double unsigned(final long v) {
        return v >= 0 ? v : v + 0x1p64;
    }

    @Override
    public Host pick(final long hash) {
        final long[] p = points;
        final int n = p.length;
        if (n == 0) {
            return null;
        }
        final long key = hash ^ Long.MIN_VALUE;
        // The first point >= key (lower bound), or n when there is none: then the ring wraps to point 0.
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (p[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return owners[lo == n ? 0 : lo];
    }

    /** Validates the ring bounds and returns a factory. */
    static LoadBalancerFactory factory(final long minRingSize, final long maxRingSize) {
        if (minRingSize < 1 || minRingSize > DEFAULT_MAX_RING_SIZE) {
            throw new IllegalArgumentException("minimum ring size must be in [1, " + DEFAULT_MAX_RING_SIZE + "]: "
                + minRingSize);
        }
        if (maxRingSize < minRingSize || maxRingSize > DEFAULT_MAX_RING_SIZE) {
            throw new IllegalArgumentException("maximum ring size must be in [" + minRingSize + ", "
                + DEFAULT_MAX_RING_SIZE + "]: " + maxRingSize);
        }
        return new RingHashFactory(minRingSize, maxRingSize);
    }

    /** Thread-safe. Builds rings and keeps the last one, so that the loops of one host-set update share it. */
    private static final class RingHashFactory implements LoadBalancerFactory {

        private final long minRingSize;
        private final long maxRingSize;
        /** The last ring built and the snapshot it was built from; replaced as a whole (a racy but safe cache). */
        private volatile Built last;

        RingHashFactory(final long minRingSize, final long maxRingSize) {
            this.minRingSize = minRingSize;
            this.maxRingSize = maxRingSize;
        }

        @Override
        public LoadBalancer create(final HostSet hosts, final long seed) {
            return new RingHashLoadBalancer(hosts, this);
        }

        Ring ringFor(final HostSet set, final Host[] eligible) {
            final Built b = last;
            if (b != null && b.set == set) {
                return b.ring;
            }
            final Ring ring = build(eligible, minRingSize, maxRingSize);
            last = new Built(set, ring);
            return ring;
        }
    }

    /** Immutable: a snapshot and the ring built from it (the eligible hosts are a function of the snapshot). */
    private static final class Built {
        final HostSet set;
        final Ring ring;

        Built(final HostSet set, final Ring ring) {
            this.set = set;
            this.ring = ring;
        }
    }

    /** Immutable once built: sorted points and their owners. */
    private static final class Ring {
        final long[] points;
        final Host[] owners;

        Ring(final long[] points, final Host[] owners) {
            this.points = points;
            this.owners = owners;
        }
    }

    /** Builds the ring of {@code hosts} (all of weight &gt; 0). */
    static Ring build(final Host[] hosts, final long minRingSize, final long maxRingSize) {
        final int n = hosts.length;
        if (n == 0) {
            return EMPTY;
        }
        long total = 0;
        long minWeight = Long.MAX_VALUE;
        for (final Host h : hosts) {
            total += h.weight();
            minWeight = Math.min(minWeight, h.weight());
        }
        final double minNormalized = (double) minWeight / total;
        final double scale = Math.min(Math.ceil(minNormalized * minRingSize) / minNormalized, (double) maxRingSize);
        final int[] counts = new int[n];
        long cumulative = 0;
        long current = 0;
        for (int i = 0; i < n; i++) {
            cumulative += hosts[i].weight();
            final long target = (long) Math.ceil(scale * ((double) cumulative / total));
            counts[i] = (int) Math.max(0, target - current);
            current += counts[i];
        }
        final int size = (int) current;
        long[] hashes = new long[size];
        int[] owner = new int[size];
        final byte[] key = new byte[64];
        int k = 0;
        for (int i = 0; i < n; i++) {
            final byte[] label = hosts[i].toString().getBytes(StandardCharsets.UTF_8);
            final byte[] buf = label.length + 12 <= key.length ? key : new byte[label.length + 12];
            System.arraycopy(label, 0, buf, 0, label.length);
            buf[label.length] = '_';
            for (int j = 0; j < counts[i]; j++) {
                final int len = label.length + 1 + writeDecimal(j, buf, label.length + 1);
                hashes[k] = XxHash64.hash(buf, 0, len, 0);
                owner[k] = i;
                k++;
            }
        }
        // LSD radix sort of the (hash, owner) pairs by unsigned hash, 8 bits a pass; stable, so equal hashes keep
        // host order.
        long[] hashesTmp = new long[size];
        int[] ownerTmp = new int[size];
        final int[] bucket = new int[257];
        for (int shift = 0; shift < 64; shift += 8) {
            Arrays.fill(bucket, 0);
            for (int i = 0; i < size; i++) {
                bucket[(int) (hashes[i] >>> shift & 0xFF) + 1]++;
            }
            for (int b = 0; b < 256; b++) {
                bucket[b + 1] += bucket[b];
            }
            for (int i = 0; i < size; i++) {
                final int at = bucket[(int) (hashes[i] >>> shift & 0xFF)]++;
                hashesTmp[at] = hashes[i];
                ownerTmp[at] = owner[i];
            }
            final long[] th = hashes;
            hashes = hashesTmp;
            hashesTmp = th;
            final int[] to = owner;
            owner = ownerTmp;
            ownerTmp = to;
        }
        final Host[] owners = new Host[size];
        for (int i = 0; i < size; i++) {
            hashes[i] ^= Long.MIN_VALUE;
            owners[i] = hosts[owner[i]];
        }
        return new Ring(hashes, owners);
    }

    /** Writes {@code value} (&gt;= 0) in decimal at {@code buf[at]}; returns the number of digits. */
    private static int writeDecimal(final int value, final byte[] buf, final int at) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        int v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return digits;
    }
}
