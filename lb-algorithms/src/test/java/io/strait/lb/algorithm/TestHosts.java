package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.LoadBalancer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToLongFunction;

/** Host fixtures and counting helpers for the balancer tests. */
final class TestHosts {

    private static final AtomicInteger PORT = new AtomicInteger(20_000);

    private TestHosts() {
    }

    /** A healthy host of {@code weight} on 127.0.0.1 (never connected to). */
    static Host host(final int weight) {
        return new Host(new InetSocketAddress("127.0.0.1", PORT.getAndIncrement() % 60_000 + 1), weight);
    }

    /** An unhealthy host of {@code weight}. */
    static Host unhealthy(final int weight) {
        final Host h = host(weight);
        h.healthy(false);
        return h;
    }

    /** {@code n} healthy hosts of weight 1. */
    static List<Host> hosts(final int n) {
        final List<Host> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(host(1));
        }
        return out;
    }

    /** How often each of {@code hosts} is picked in {@code picks} picks (a host outside the list fails the test). */
    static long[] counts(final LoadBalancer lb, final List<Host> hosts, final int picks) {
        return counts(lb, hosts, picks, i -> i);
    }

    /** As {@link #counts(LoadBalancer, List, int)}, with {@code hashOf.applyAsLong(i)} the hash of pick {@code i}. */
    static long[] counts(final LoadBalancer lb, final List<Host> hosts, final int picks,
                         final IntToLongFunction hashOf) {
        final long[] counts = new long[hosts.size()];
        for (int i = 0; i < picks; i++) {
            final Host h = lb.pick(hashOf.applyAsLong(i));
            final int at = hosts.indexOf(h);
            if (at < 0) {
                throw new AssertionError("picked " + h + ", not one of " + hosts);
            }
            counts[at]++;
        }
        return counts;
    }

    /**
     * A well-mixed 64-bit hash of {@code i} (SplitMix64's finalizer over a golden-ratio step): request hashes as a
     * hashing policy sees them, spread over the whole 64-bit range, where {@code 0, 1, 2...} would all fall before
     * the first point of a hash ring.
     */
    static long mix(final long i) {
        long z = (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Healthy hosts on 127.0.0.1, ports {@code firstPort, firstPort + 1, ...}, of the given weights. */
    static List<Host> fixedHosts(final int firstPort, final int... weights) {
        final List<Host> out = new ArrayList<>(weights.length);
        for (int i = 0; i < weights.length; i++) {
            out.add(new Host(new InetSocketAddress("127.0.0.1", firstPort + i), weights[i]));
        }
        return out;
    }

    /** {@code n} healthy hosts of weight 1 on 127.0.0.1, ports {@code firstPort, firstPort + 1, ...}. */
    static List<Host> fixedHosts(final int firstPort, final int n) {
        final int[] weights = new int[n];
        Arrays.fill(weights, 1);
        return fixedHosts(firstPort, weights);
    }

    /** Pearson's chi-square statistic of {@code observed} against the probabilities {@code expectedShare}. */
    static double chiSquare(final long[] observed, final double[] expectedShare) {
        long total = 0;
        for (final long o : observed) {
            total += o;
        }
        double chi = 0;
        for (int i = 0; i < observed.length; i++) {
            final double e = total * expectedShare[i];
            final double d = observed[i] - e;
            chi += d * d / e;
        }
        return chi;
    }

    /** Shares proportional to {@code weights}. */
    static double[] shares(final double... weights) {
        double sum = 0;
        for (final double w : weights) {
            sum += w;
        }
        final double[] out = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            out[i] = weights[i] / sum;
        }
        return out;
    }
}
