package io.strait.lb.simulation;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Thread-safe: stateless; each {@link #run} is single-threaded and owns everything it touches. A discrete-event
 * simulation of the real load balancers of {@code lb-algorithms} in front of hosts of unequal speed.
 *
 * <p>The model: {@code hosts} hosts, the first {@code slow} of them {@code slowdown} times slower (mean service time
 * {@code slowdown} ms against 1 ms). Each host serves up to {@code concurrency} requests at once; more wait in its FIFO
 * queue. Service times are exponential, arrivals are Poisson at {@code utilisation} times the total capacity of all
 * hosts. A request's latency is its queueing time plus its service time. The balancer sees a host's active requests
 * (queued or in service) through {@link Host#incrementActive()} on dispatch and {@link Host#decrementActive()} on
 * completion, as the proxy does.
 *
 * <p>Every policy sees the same workload: the arrival times and each request's work (a unit exponential, scaled by
 * the chosen host's mean) come from {@link SplittableRandom}s split from the seed, so the policies differ only in
 * where they send requests. Time is simulated (doubles in microseconds): nothing sleeps, nothing reads a clock, and the
 * same scenario gives the same result.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.strait.lb.simulation.LbSimulation \
 *     --hosts 10 --slow 2 --slowdown 5 --requests 200000 --utilisation 0.75 --seed 42
 * </pre>
 */
public final class LbSimulation {

    /** Mean service time of a fast host, in simulated microseconds. */
    static final double FAST_MEAN_MICROS = 1000.0;
    /** The weight of a fast host in the {@link LbPolicy#WEIGHTED_ROUND_ROBIN} run; a slow host gets it / slowdown. */
    static final int FAST_WEIGHT = 100;

    /** The policies {@link #main} compares, in table order. */
    public static final List<LbPolicy> POLICIES = List.of(
            LbPolicy.ROUND_ROBIN, LbPolicy.RANDOM, LbPolicy.LEAST_REQUEST, LbPolicy.WEIGHTED_ROUND_ROBIN);

    private LbSimulation() {
    }

    /**
     * Immutable. One simulated scenario.
     *
     * @param hosts       hosts in the cluster, &gt;= 1
     * @param slow        how many of them are slow, in [0, hosts]
     * @param slowdown    a slow host's mean service time over a fast host's, &gt;= 1
     * @param concurrency requests a host serves at once, &gt;= 1
     * @param requests    requests to simulate, &gt;= 1
     * @param utilisation offered load over the total capacity of all hosts, in (0, 1)
     * @param seed        seeds the workload and the balancers
     */
    public record Scenario(int hosts, int slow, double slowdown, int concurrency, int requests, double utilisation,
                           long seed) {

        /** Validates. */
        public Scenario {
            if (hosts < 1 || slow < 0 || slow > hosts || !(slowdown >= 1.0) || Double.isInfinite(slowdown)
                    || concurrency < 1 || requests < 1 || !(utilisation > 0.0 && utilisation < 1.0)) {
                throw new IllegalArgumentException("bad scenario: " + describe(hosts, slow, slowdown,
                        concurrency, requests, utilisation, seed));
            }
        }

        /** The default scenario: 10 hosts, 2 of them 5x slower, 8 concurrent each, 200,000 requests, 75%, seed 42. */
        public static Scenario defaults() {
            return new Scenario(10, 2, 5.0, 8, 200_000, 0.75, 42L);
        }

        /** This scenario with another request count. */
        public Scenario withRequests(final int n) {
            return new Scenario(hosts, slow, slowdown, concurrency, n, utilisation, seed);
        }

        /** A one-line description for the table's heading. */
        public String describe() {
            return describe(hosts, slow, slowdown, concurrency, requests, utilisation, seed);
        }

        private static String describe(final int h, final int s, final double sd, final int c, final int r,
                                       final double u, final long sed) {
            return String.format(Locale.ROOT, "%d hosts (%d of them %sx slower; fast mean service 1 ms), "
                    + "%d concurrent per host, %d requests, utilisation %s, seed %d", h, s, fmt(sd), c, r, fmt(u),
                    sed);
        }
    }

    /**
     * Immutable. The latency of one policy's run, in simulated milliseconds.
     *
     * @param policy    the policy's configuration name
     * @param count     requests recorded
     * @param meanMs    mean latency
     * @param p50Ms     median
     * @param p99Ms     99th percentile
     * @param p999Ms    99.9th percentile
     * @param maxMs     maximum
     * @param slowShare the fraction of requests sent to slow hosts
     */
    public record Result(String policy, long count, double meanMs, double p50Ms, double p99Ms, double p999Ms,
                         double maxMs, double slowShare) {
    }

    /**
     * Runs {@code policy} over the scenario, with fresh hosts (their active counts start at 0). All hosts have weight
     * 1, except in a {@link LbPolicy#WEIGHTED_ROUND_ROBIN} run, where weights are proportional to host speed.
     */
    public static Result run(final Scenario s, final LbPolicy policy) {
        final int n = s.hosts();
        final int c = s.concurrency();
        final double[] meanMicros = new double[n];
        final List<Host> hosts = new ArrayList<>(n);
        double capacityPerMicro = 0.0;
        for (int i = 0; i < n; i++) {
            final double factor = i < s.slow() ? s.slowdown() : 1.0;
            meanMicros[i] = FAST_MEAN_MICROS * factor;
            capacityPerMicro += c / meanMicros[i];
            final int weight = policy == LbPolicy.WEIGHTED_ROUND_ROBIN
                    ? (int) Math.max(1, Math.round(FAST_WEIGHT / factor)) : 1;
            hosts.add(new Host(new InetSocketAddress("127.0.0.1", 10000 + i), weight));
        }
        int minId = Integer.MAX_VALUE;
        int maxId = Integer.MIN_VALUE;
        for (final Host h : hosts) {
            minId = Math.min(minId, h.id());
            maxId = Math.max(maxId, h.id());
        }
        final int[] indexById = new int[maxId - minId + 1];
        for (int i = 0; i < n; i++) {
            indexById[hosts.get(i).id() - minId] = i;
        }
        final LoadBalancer lb = LoadBalancers.factory(policy).create(HostSet.of(hosts), s.seed());

        final double meanInterArrival = 1.0 / (s.utilisation() * capacityPerMicro);
        final SplittableRandom root = new SplittableRandom(s.seed());
        final SplittableRandom arrivals = root.split();
        final SplittableRandom work = root.split();
        final SplittableRandom hashes = root.split();

        final int m = s.requests();
        final double[] arrivalAt = new double[m];
        final double[] unitWork = new double[m];
        final int[] busy = new int[n];
        final IntFifo[] queues = new IntFifo[n];
        for (int i = 0; i < n; i++) {
            queues[i] = new IntFifo();
        }
        final Histogram histogram = new Histogram(3);
        final EventQueue events = new EventQueue(1 + n * c);
        long toSlow = 0;

        arrivalAt[0] = exponential(arrivals) * meanInterArrival;
        unitWork[0] = exponential(work);
        events.add(arrivalAt[0], 0, EventQueue.ARRIVAL);
        while (!events.isEmpty()) {
            final double now = events.topTime();
            final int r = events.topRequest();
            final int h = events.topHost();
            events.removeTop();
            if (h == EventQueue.ARRIVAL) {
                final Host host = lb.pick(hashes.nextLong());
                if (host == null) {
                    throw new IllegalStateException(policy.configName() + " picked no host");
                }
                final int i = indexById[host.id() - minId];
                host.incrementActive();
                if (i < s.slow()) {
                    toSlow++;
                }
                if (busy[i] < c) {
                    busy[i]++;
                    events.add(now + unitWork[r] * meanMicros[i], r, i);
                } else {
                    queues[i].add(r);
                }
                final int next = r + 1;
                if (next < m) {
                    arrivalAt[next] = now + exponential(arrivals) * meanInterArrival;
                    unitWork[next] = exponential(work);
                    events.add(arrivalAt[next], next, EventQueue.ARRIVAL);
                }
            } else {
                histogram.recordValue(Math.max(0L, Math.round(now - arrivalAt[r])));
                hosts.get(h).decrementActive();
                if (queues[h].isEmpty()) {
                    busy[h]--;
                } else {
                    final int waiting = queues[h].poll();
                    events.add(now + unitWork[waiting] * meanMicros[h], waiting, h);
                }
            }
        }
        return new Result(policy.configName(), histogram.getTotalCount(), histogram.getMean() / 1000.0,
                histogram.getValueAtPercentile(50.0) / 1000.0, histogram.getValueAtPercentile(99.0) / 1000.0,
                histogram.getValueAtPercentile(99.9) / 1000.0, histogram.getMaxValue() / 1000.0,
                (double) toSlow / m);
    }

    /** Runs every policy of {@link #POLICIES} over the scenario. */
    public static List<Result> runAll(final Scenario s) {
        final List<Result> results = new ArrayList<>(POLICIES.size());
        for (final LbPolicy p : POLICIES) {
            results.add(run(s, p));
        }
        return results;
    }

    /** The results as a Markdown table. */
    public static String markdownTable(final List<Result> results) {
        final StringBuilder sb = new StringBuilder();
        sb.append("| policy | mean (ms) | p50 (ms) | p99 (ms) | p99.9 (ms) | max (ms) | sent to slow hosts |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (final Result r : results) {
            final String name = LbPolicy.WEIGHTED_ROUND_ROBIN.configName().equals(r.policy())
                    ? r.policy() + " (weights ∝ speed)" : r.policy();
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f%% |%n", name,
                    r.meanMs(), r.p50Ms(), r.p99Ms(), r.p999Ms(), r.maxMs(), 100.0 * r.slowShare()));
        }
        return sb.toString();
    }

    /**
     * Parses {@code --hosts --slow --slowdown --concurrency --requests --utilisation --seed} (each optional, defaults
     * of {@link Scenario#defaults()}), runs every policy and prints the scenario and a Markdown table.
     */
    public static void main(final String[] args) {
        final Scenario d = Scenario.defaults();
        int hosts = d.hosts();
        int slow = d.slow();
        double slowdown = d.slowdown();
        int concurrency = d.concurrency();
        int requests = d.requests();
        double utilisation = d.utilisation();
        long seed = d.seed();
        for (int i = 0; i < args.length; i += 2) {
            final String name = args[i];
            if (i + 1 >= args.length) {
                usage("missing value for " + name);
                return;
            }
            final String v = args[i + 1];
            switch (name) {
                case "--hosts" -> hosts = Integer.parseInt(v);
                case "--slow" -> slow = Integer.parseInt(v);
                case "--slowdown" -> slowdown = Double.parseDouble(v);
                case "--concurrency" -> concurrency = Integer.parseInt(v);
                case "--requests" -> requests = Integer.parseInt(v);
                case "--utilisation" -> utilisation = Double.parseDouble(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> {
                    usage("unknown option " + name);
                    return;
                }
            }
        }
        final Scenario s = new Scenario(hosts, slow, slowdown, concurrency, requests, utilisation, seed);
        System.out.println("Scenario: " + s.describe() + ".");
        System.out.println();
        System.out.print(markdownTable(runAll(s)));
    }

    private static void usage(final String problem) {
        System.err.println(problem);
        System.err.println("usage: LbSimulation [--hosts N] [--slow N] [--slowdown X] [--concurrency N] "
                + "[--requests N] [--utilisation U] [--seed S]");
        System.exit(2);
    }

    /** A unit-mean exponential variate, by inversion (the same on every JDK, unlike nextExponential). */
    private static double exponential(final SplittableRandom r) {
        return -Math.log(1.0 - r.nextDouble());
    }

    private static String fmt(final double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
