package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Confined to JMH's benchmark thread (one state per thread). The cost of one {@link LoadBalancer#pick} per policy and
 * host count, and what it allocates (run with {@code -prof gc}: {@code gc.alloc.rate.norm} should be 0). Mirrors {@code
 * LoadBalancerContractTest} and the per-algorithm distribution tests.
 *
 * <p>{@code weights=equal} gives every host weight 1 (round robin order, least request's power of two choices);
 * {@code weights=mixed} gives weights 1..5 (a tabulated EDF period for weighted round robin, the EDF heap for
 * least request, the alias method for random, more ring points or table slots for heavier hosts with ring hash and
 * Maglev). A tenth of the hosts are unhealthy and hosts carry 0..7 active
 * requests, so the health filter and the load comparisons are exercised.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickBenchmark {

    /** An {@link LbPolicy} name, either the enum constant or the configuration name ({@code ring_hash}). */
    @Param({"ROUND_ROBIN", "WEIGHTED_ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "RING_HASH", "MAGLEV"})
    public String policy;

    @Param({"10", "100", "1000"})
    public int hosts;

    @Param({"equal", "mixed"})
    public String weights;

    private LoadBalancer lb;
    private long hash;

    @Setup
    public void setUp() {
        final SplittableRandom random = new SplittableRandom(1);
        final List<Host> list = new ArrayList<>(hosts);
        for (int i = 0; i < hosts; i++) {
            final int weight = "equal".equals(weights) ? 1 : 1 + i % 5;
            final Host h = new Host(new InetSocketAddress("127.0.0.1", 10_000 + i), weight);
            h.healthy(i % 10 != 3);
            final int active = random.nextInt(8);
            for (int a = 0; a < active; a++) {
                h.incrementActive();
            }
            list.add(h);
        }
        final LbPolicy named = LbPolicy.fromConfigName(policy);
        lb = LoadBalancers.factory(named != null ? named : LbPolicy.valueOf(policy)).create(HostSet.of(list), 42);
    }

    /**
     * One pick; the host is returned so JMH sinks it. The hash steps by the 64-bit golden ratio (a Weyl sequence: as
     * cheap as {@code hash++}, but spread over the whole range like real request hashes, so the ring search and the
     * Maglev slot vary from pick to pick).
     */
    @Benchmark
    public Host pick() {
        final long h = hash + 0x9E3779B97F4A7C15L;
        hash = h;
        return lb.pick(h);
    }
}
