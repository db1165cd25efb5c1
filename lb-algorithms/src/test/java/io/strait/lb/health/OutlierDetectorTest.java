package io.strait.lb.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.lb.Host;
import io.strait.lb.health.OutlierDetector.Reason;
import io.strait.lb.health.OutlierDetector.Settings;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The outlier state machine on a fake clock, with decisions run synchronously or queued by hand. */
class OutlierDetectorTest {

    private static final long S = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * S);
    private final List<String> events = new ArrayList<>();
    private final OutlierDetector.Listener listener = new OutlierDetector.Listener() {
        @Override
        public void ejected(final Host host, final Reason reason, final long nowNanos, final long untilNanos) {
            events.add("eject " + host + " " + reason + " " + (untilNanos - nowNanos) / S + "s");
        }

        @Override
        public void unejected(final Host host, final long nowNanos) {
            events.add("back " + host);
        }
    };

    private static List<Host> hosts(final int n) {
        final List<Host> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Host(new InetSocketAddress("127.0.0.1", 30_000 + i), 1));
        }
        return out;
    }

    private OutlierDetector detector(final List<Host> hosts, final Settings settings) {
        return new OutlierDetector(hosts, settings, clock::get, Runnable::run, listener);
    }

    @Test
    void ejectsAtConsecutive5xxAndNotBefore() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, Settings.DEFAULTS);
        final Host h = hosts.get(3);
        for (int i = 0; i < 4; i++) {
            d.onResponse(h, 500);
        }
        assertThat(d.isEjected(h)).isFalse();
        d.onResponse(h, 500);
        assertThat(d.isEjected(h)).isTrue();
        assertThat(d.ejectedCount()).isEqualTo(1);
        assertThat(events).containsExactly("eject " + h + " CONSECUTIVE_5XX 30s");
    }

    @Test
    void aSuccessResetsTheCount() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, Settings.DEFAULTS);
        final Host h = hosts.get(0);
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 4; i++) {
                d.onResponse(h, 503);
            }
            d.onResponse(h, 200);
        }
        d.onResponse(h, 404);   // a 4xx is not a failure either
        assertThat(d.isEjected(h)).isFalse();
        assertThat(events).isEmpty();
    }

    @Test
    void gatewayFailuresEjectForTheirOwnReason() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, new Settings(100, 3, 30 * S, 300 * S, 10));
        final Host h = hosts.get(1);
        d.onGatewayFailure(h);
        d.onResponse(h, 502);
        assertThat(d.isEjected(h)).isFalse();
        d.onResponse(h, 504);
        assertThat(events).containsExactly("eject " + h + " CONSECUTIVE_GATEWAY_FAILURE 30s");
    }

    @Test
    void a500BreaksARunOfGatewayFailures() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, new Settings(100, 3, 30 * S, 300 * S, 10));
        final Host h = hosts.get(1);
        for (int i = 0; i < 10; i++) {
            d.onGatewayFailure(h);
            d.onGatewayFailure(h);
            d.onResponse(h, 500);
        }
        assertThat(d.isEjected(h)).isFalse();
    }

    @Test
    void ejectionTimeGrowsWithTimesEjectedUpToTheMax() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, new Settings(1, 1, 30 * S, 100 * S, 10));
        final Host h = hosts.get(0);
        final long[] expected = {30, 60, 90, 100, 100};
        for (final long seconds : expected) {
            d.onResponse(h, 500);
            assertThat(d.isEjected(h)).isTrue();
            clock.addAndGet(seconds * S - 1);
            assertThat(d.tick(clock.get())).isZero();
            assertThat(d.nextUnejection()).isEqualTo(clock.get() + 1);
            clock.addAndGet(1);
            assertThat(d.tick(clock.get())).isEqualTo(1);
            assertThat(d.isEjected(h)).isFalse();
        }
        assertThat(events).containsExactly("eject " + h + " CONSECUTIVE_5XX 30s", "back " + h,
            "eject " + h + " CONSECUTIVE_5XX 60s", "back " + h, "eject " + h + " CONSECUTIVE_5XX 90s", "back " + h,
            "eject " + h + " CONSECUTIVE_5XX 100s", "back " + h, "eject " + h + " CONSECUTIVE_5XX 100s", "back " + h);
        assertThat(d.nextUnejection()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void decayLowersTheMultiplierOfHostsThatBehave() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, new Settings(1, 1, 30 * S, 300 * S, 10));
        final Host h = hosts.get(0);
        d.onResponse(h, 500);
        d.decay();   // ejected: no decay
        assertThat(d.timesEjected(h)).isEqualTo(1);
        clock.addAndGet(30 * S);
        d.tick(clock.get());
        d.onResponse(h, 500);
        assertThat(d.timesEjected(h)).isEqualTo(2);
        clock.addAndGet(60 * S);
        d.tick(clock.get());
        d.decay();
        d.decay();
        d.decay();
        assertThat(d.timesEjected(h)).isZero();
        d.onResponse(h, 500);
        assertThat(events.get(events.size() - 1)).endsWith("30s");
    }

    @Test
    void neverEjectsMoreThanMaxPercentButAlwaysOne() {
        final List<Host> hosts = hosts(10);
        final OutlierDetector d = detector(hosts, new Settings(1, 1, 30 * S, 300 * S, 20));
        for (final Host h : hosts) {
            d.onResponse(h, 500);
        }
        assertThat(d.ejectedCount()).isEqualTo(2);   // 20% of 10
        assertThat(d.isEjected(hosts.get(0))).isTrue();
        assertThat(d.isEjected(hosts.get(1))).isTrue();
        assertThat(d.isEjected(hosts.get(2))).isFalse();

        final List<Host> few = hosts(3);
        final OutlierDetector small = detector(few, new Settings(1, 1, 30 * S, 300 * S, 10));
        for (final Host h : few) {
            small.onResponse(h, 500);
        }
        // 10% of 3 hosts is less than one, yet one host may always be ejected.
        assertThat(small.ejectedCount()).isEqualTo(1);
    }

    @Test
    void aThresholdCrossingIsHandedOverOnceAndDecidedOnTheExecutor() {
        final List<Host> hosts = hosts(10);
        final Queue<Runnable> queue = new ArrayDeque<>();
        final OutlierDetector d = new OutlierDetector(hosts, new Settings(2, 5, 30 * S, 300 * S, 10), clock::get,
            queue::add, listener);
        final Host h = hosts.get(0);
        for (int i = 0; i < 10; i++) {
            d.onResponse(h, 500);
        }
        assertThat(queue).hasSize(1);   // later failures find the host already queued
        assertThat(d.isEjected(h)).isFalse();
        queue.poll().run();
        assertThat(d.isEjected(h)).isTrue();
        d.onResponse(h, 500);
        d.onResponse(h, 500);
        assertThat(queue).isEmpty();   // already ejected
    }

    @Test
    void aSuccessBeforeTheDecisionCancelsIt() {
        final List<Host> hosts = hosts(10);
        final Queue<Runnable> queue = new ArrayDeque<>();
        final OutlierDetector d = new OutlierDetector(hosts, new Settings(2, 5, 30 * S, 300 * S, 10), clock::get,
            queue::add, listener);
        final Host h = hosts.get(0);
        d.onResponse(h, 500);
        d.onResponse(h, 500);
        d.onResponse(h, 200);
        queue.poll().run();
        assertThat(d.isEjected(h)).isFalse();
        assertThat(events).isEmpty();
    }

    @Test
    void hostsOfOtherClustersAreIgnored() {
        final OutlierDetector d = detector(hosts(3), new Settings(1, 1, 30 * S, 300 * S, 100));
        final Host stranger = hosts(1).get(0);
        d.onResponse(stranger, 500);
        d.onGatewayFailure(stranger);
        assertThat(d.isEjected(stranger)).isFalse();
        assertThat(d.ejectedCount()).isZero();
    }
}
