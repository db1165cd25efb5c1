package io.strait.core.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.HealthCheckConfig;
import io.strait.core.config.OutlierDetectionConfig;
import io.strait.core.config.SlowStartConfig;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.health.OutlierDetector;
import io.strait.lb.health.SlowStart;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Confined to the health event loop, apart from the outlier detector's request-path half. The health of one
 * cluster's hosts: active health-check streaks, outlier ejections and slow-start ramps, turned into a new
 * {@link HostSet} whenever membership changes (and a few times per slow-start window while a host ramps), which is
 * then published to the event loops.
 *
 * <p>Hosts start healthy: traffic flows from the first request, and a host whose checks fail is taken out after
 * {@code unhealthy_threshold} failures (Envoy starts hosts unhealthy until their first check passes).
 */
final class ClusterHealth implements OutlierDetector.Listener {

    /** Rebuilds while a host ramps come at most this often. */
    private static final long MIN_RAMP_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Cluster cluster;
    private final EventLoop loop;
    private final HostSetPublisher publisher;
    private final LoopStats<ClusterStat> stats;
    private final List<Host> hosts;
    private final HealthCheckConfig healthCheck;
    private final SlowStart slowStart;
    private final long rampStepNanos;
    private final OutlierDetector detector;
    private final boolean[] checkHealthy;
    private final int[] passes;
    private final int[] failures;
    private final long[] healthySince;
    private final List<HealthChecker> checkers = new ArrayList<>();
    private boolean rampScheduled;
    private boolean stopped;

    ClusterHealth(final Cluster cluster, final EventLoop loop, final Bootstrap bootstrap,
                  final HostSetPublisher publisher) {
        this.cluster = cluster;
        this.loop = loop;
        this.publisher = publisher;
        this.stats = cluster.stats().control();
        this.hosts = cluster.hosts();
        final ClusterConfig config = cluster.config();
        this.healthCheck = config.healthCheck();
        final int n = hosts.size();
        this.checkHealthy = new boolean[n];
        this.passes = new int[n];
        this.failures = new int[n];
        this.healthySince = new long[n];
        for (int i = 0; i < n; i++) {
            checkHealthy[i] = true;
            healthySince[i] = SlowStart.NOT_RAMPING;
        }
        final SlowStartConfig ss = config.slowStart();
        // Ring hash and Maglev keep the configured weights; round robin has none: no ramp to compute for them.
        final boolean weighted = switch (config.lb()) {
            case WEIGHTED_ROUND_ROBIN, LEAST_REQUEST, RANDOM -> true;
            default -> false;
        };
        this.slowStart = ss == null || !weighted ? null
            : new SlowStart(ss.window().toNanos(), ss.aggression(), ss.minWeightPercent());
        this.rampStepNanos = slowStart == null ? 0 : Math.max(MIN_RAMP_STEP_NANOS, slowStart.windowNanos() / 10);
        final OutlierDetectionConfig od = config.outlierDetection();
        this.detector = od == null ? null : new OutlierDetector(hosts, new OutlierDetector.Settings(
            od.consecutive5xx(), od.consecutiveGatewayFailure(), od.baseEjectionTime().toNanos(),
            od.maxEjectionTime().toNanos(), od.maxEjectionPercent()), System::nanoTime, loop, this);
        if (healthCheck != null) {
            for (int i = 0; i < n; i++) {
                checkers.add(new HealthChecker(this, i, hosts.get(i), healthCheck, loop, bootstrap, cluster.tls()));
            }
        }
    }

    /** True if this cluster has anything to do on the health loop. */
    static boolean needed(final ClusterConfig config) {
        return config.healthCheck() != null || config.outlierDetection() != null;
    }

    /** Starts checking. On the health loop. */
    void start() {
        if (detector != null) {
            cluster.outlierDetector(detector);
            final long decay = cluster.config().outlierDetection().interval().toNanos();
            loop.scheduleAtFixedRate(() -> {
                if (!stopped) {
                    detector.decay();
                }
            }, decay, decay, TimeUnit.NANOSECONDS);
        }
        for (final HealthChecker c : checkers) {
            c.start();
        }
    }

    /** Stops checking. On the health loop. */
    void stop() {
        stopped = true;
        for (final HealthChecker c : checkers) {
            c.stop();
        }
    }

    // ------------------------------------------------------------------ active checks

    void attempt() {
        stats.inc(ClusterStat.HEALTH_CHECK_ATTEMPT);
    }

    /** One check of host {@code i} ended. */
    void checked(final int i, final boolean passed) {
        if (stopped) {
            return;
        }
        if (passed) {
            stats.inc(ClusterStat.HEALTH_CHECK_SUCCESS);
            failures[i] = 0;
            if (!checkHealthy[i] && ++passes[i] >= healthCheck.healthyThreshold()) {
                checkHealthy[i] = true;
                passes[i] = 0;
                becameHealthy(i);
                rebuild();
            }
        } else {
            stats.inc(ClusterStat.HEALTH_CHECK_FAILURE);
            passes[i] = 0;
            if (checkHealthy[i] && ++failures[i] >= healthCheck.unhealthyThreshold()) {
                checkHealthy[i] = false;
                failures[i] = 0;
                rebuild();
            }
        }
    }

    // ------------------------------------------------------------------ outlier detection (on the health loop)

    @Override
    public void ejected(final Host host, final OutlierDetector.Reason reason, final long nowNanos,
                        final long untilNanos) {
        stats.inc(ClusterStat.OUTLIER_DETECTION_EJECTIONS_TOTAL);
        stats.inc(reason == OutlierDetector.Reason.CONSECUTIVE_5XX
            ? ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX
            : ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_GATEWAY_FAILURE);
        loop.schedule(this::unejectDue, Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        rebuild();
    }

    @Override
    public void unejected(final Host host, final long nowNanos) {
        final int i = hosts.indexOf(host);
        if (i >= 0) {
            becameHealthy(i);
        }
    }

    private void unejectDue() {
        if (!stopped && detector.tick(System.nanoTime()) > 0) {
            rebuild();
        }
    }

    // ------------------------------------------------------------------ membership

    private void becameHealthy(final int i) {
        if (slowStart != null) {
            healthySince[i] = System.nanoTime();
        }
    }

    /** Builds the host set as things are now, publishes it, and keeps rebuilding while a host ramps. */
    private void rebuild() {
        if (stopped) {
            return;
        }
        final long now = System.nanoTime();
        int healthy = 0;
        for (int i = 0; i < hosts.size(); i++) {
            final Host h = hosts.get(i);
            final boolean up = checkHealthy[i] && (detector == null || !detector.isEjected(h));
            h.healthy(up);
            if (up) {
                healthy++;
            } else {
                healthySince[i] = SlowStart.NOT_RAMPING;
            }
        }
        final int[] weights = slowStart == null ? null : slowStart.effectiveWeights(hosts, healthySince, now);
        final HostSet set = HostSet.of(hosts, weights, cluster.config().panicThreshold());
        cluster.hostSet(set);
        stats.set(ClusterStat.MEMBERSHIP_HEALTHY, healthy);
        stats.set(ClusterStat.OUTLIER_DETECTION_EJECTIONS_ACTIVE, detector == null ? 0 : detector.ejectedCount());
        publisher.publish(cluster, set);
        if (weights != null && !rampScheduled) {
            rampScheduled = true;
            loop.schedule(() -> {
                rampScheduled = false;
                rebuild();
            }, rampStepNanos, TimeUnit.NANOSECONDS);
        }
    }
}
