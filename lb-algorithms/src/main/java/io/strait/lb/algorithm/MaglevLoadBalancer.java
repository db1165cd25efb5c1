package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import java.nio.charset.StandardCharsets;

/**
 * Confined to its event loop (it holds no mutable state, so in fact immutable). Maglev consistent hashing (Eisenbud et
 * al., "Maglev: A Fast and Reliable Software Network Load Balancer", NSDI 2016, section 3.4; Envoy's {@code
 * maglev_lb.cc}): a lookup table of prime size {@code M} (default 65537) maps {@code hash mod M} (unsigned) to a host.
 * The seed is ignored: every loop, and every proxy with the same hosts in the same order, maps a hash to the same host.
 *
 * <p>Table fill, as in the paper and Envoy: each host has a permutation of the slots, {@code (offset + j * skip) mod M}
 * with {@code offset = xxh64(address, 0) mod M} and {@code skip = xxh64(address, 1) mod (M - 1) + 1} ({@link XxHash64},
 * {@code address} being {@link Host#toString()}, {@code host:port}); since {@code M} is prime every permutation visits
 * every slot. Hosts take turns, in configuration order, claiming the next free slot of their permutation until the
 * table is full. Weights as Envoy does them: in turn {@code t} (from 1) host {@code i} claims a slot only if {@code t *
 * w_i >= c_i * w_max}, {@code c_i} being the slots it already holds, so the heaviest host claims in every turn and a
 * host of half its weight in every other; host {@code i} ends within {@code 2 n w_i / sum(w) + 2} slots of {@code M *
 * w_i / sum(w)}. Envoy compares the same quantities divided by {@code sum(w)} in floating point; here they are exact
 * integers. With equal weights every host holds {@code floor(M / n)} or {@code ceil(M / n)} slots.
 *
 * <p>A pick is one unsigned remainder and one array load, and allocates nothing. The table is built in about {@code M
 * ln M} steps; a factory reuses the table it built last when it is asked again for the same {@link HostSet} instance,
 * so the loops of one update share one table.
 */
final class MaglevLoadBalancer extends BaseLoadBalancer {

    /** Envoy's default {@code table_size}. */
    static final int DEFAULT_TABLE_SIZE = 65_537;
    /** Envoy's largest allowed {@code table_size}. */
    static final int MAX_TABLE_SIZE = 5_000_011;

    private static final Host[] EMPTY = new Host[0];

    /** Slot to host; empty when no host is eligible. */
    private final Host[] table;

    private MaglevLoadBalancer(final HostSet set, final MaglevFactory factory) {
        super(set);
        this.table = factory.tableFor(set, hosts);
    }

    /** The lookup table (for tests; do not modify). */
    Host[] table() {
        return table;
    }

    @Override
    public Host pick(final long hash) {
        final Host[] t = table;
        final int m = t.length;
        if (m == 0) {
            return null;
        }
        // hash mod m, unsigned, with one division: hash = 2q + b, so hash mod m = (2 (q mod m) + b) mod m, and
        // 2 (q mod m) + b < 2m.
        long r = (hash >>> 1) % m;
        r = (r << 1) | (hash & 1);
        if (r >= m) {
            r -= m;
        }
        return t[(int) r];
    }

    /** Validates the table size and returns a factory. */
    static LoadBalancerFactory factory(final int tableSize) {
        if (tableSize < 2 || tableSize > MAX_TABLE_SIZE || !isPrime(tableSize)) {
            throw new IllegalArgumentException("Maglev table size must be a prime in [2, " + MAX_TABLE_SIZE + "]: "
                + tableSize);
        }
        return new MaglevFactory(tableSize);
    }

    static boolean isPrime(final int n) {
        if (n < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= n; d++) {
            if (n % d == 0) {
                return false;
            }
        }
        return true;
    }

    /** Thread-safe. Builds tables and keeps the last one, so that the loops of one host-set update share it. */
    private static final class MaglevFactory implements LoadBalancerFactory {

        private final int tableSize;
        /** The last table built and the snapshot it was built from; replaced as a whole (a racy but safe cache). */
        private volatile Built last;

        MaglevFactory(final int tableSize) {
            this.tableSize = tableSize;
        }

        @Override
        public LoadBalancer create(final HostSet hosts, final long seed) {
            return new MaglevLoadBalancer(hosts, this);
        }

        Host[] tableFor(final HostSet set, final Host[] eligible) {
            final Built b = last;
            if (b != null && b.set == set) {
                return b.table;
            }
            final Host[] table = build(eligible, tableSize);
            last = new Built(set, table);
            return table;
        }
    }

    /** Immutable: a snapshot and the table built from it (the eligible hosts are a function of the snapshot). */
    private static final class Built {
        final HostSet set;
        final Host[] table;

        Built(final HostSet set, final Host[] table) {
            this.set = set;
            this.table = table;
        }
    }

    /** Builds the table of {@code hosts} (all of weight &gt; 0); {@code m} is prime. */
    static Host[] build(final Host[] hosts, final int m) {
        final int n = hosts.length;
        if (n == 0) {
            return EMPTY;
        }
        final long[] position = new long[n];
        final long[] skip = new long[n];
        final long[] claimed = new long[n];
        long maxWeight = 0;
        for (int i = 0; i < n; i++) {
            final byte[] key = hosts[i].toString().getBytes(StandardCharsets.UTF_8);
            position[i] = Long.remainderUnsigned(XxHash64.hash(key, 0, key.length, 0), m);
            skip[i] = Long.remainderUnsigned(XxHash64.hash(key, 0, key.length, 1), m - 1) + 1;
            maxWeight = Math.max(maxWeight, hosts[i].weight());
        }
        final Host[] table = new Host[m];
        int filled = 0;
        for (long turn = 1; filled < m; turn++) {
            for (int i = 0; i < n && filled < m; i++) {
                if (turn * hosts[i].weight() < claimed[i] * maxWeight) {
                    continue;
                }
                claimed[i]++;
                long c = position[i];
                while (table[(int) c] != null) {
                    c += skip[i];
                    if (c >= m) {
                        c -= m;
                    }
                }
                table[(int) c] = hosts[i];
                c += skip[i];
                position[i] = c >= m ? c - m : c;
                filled++;
            }
        }
        return table;
    }
}
