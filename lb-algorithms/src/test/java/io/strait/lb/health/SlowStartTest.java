package io.strait.lb.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.strait.lb.Host;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlowStartTest {

    private static final long W = 10_000_000_000L;

    @Test
    void linearRampWithAFloor() {
        final SlowStart s = new SlowStart(W, 1.0, 10);
        assertThat(s.factor(0)).isEqualTo(0.1);
        assertThat(s.factor(W / 20)).isEqualTo(0.1);   // 5% < the 10% floor
        assertThat(s.factor(W / 2)).isCloseTo(0.5, within(1e-9));
        assertThat(s.factor(W - 1)).isCloseTo(1.0, within(1e-6));
        assertThat(s.factor(W)).isEqualTo(1.0);
        assertThat(s.factor(-1)).isEqualTo(1.0);
    }

    @Test
    void aggressionRampsFasterAtFirst() {
        final SlowStart s = new SlowStart(W, 2.0, 0);
        // (1/4)^(1/2) = 1/2.
        assertThat(s.factor(W / 4)).isCloseTo(0.5, within(1e-9));
        assertThat(new SlowStart(W, 0.5, 0).factor(W / 2)).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void effectiveWeightsScaleEveryHostAndKeepWeightZero() {
        final SlowStart s = new SlowStart(W, 1.0, 10);
        final List<Host> hosts = List.of(new Host(new InetSocketAddress("127.0.0.1", 1), 3),
            new Host(new InetSocketAddress("127.0.0.1", 2), 0), new Host(new InetSocketAddress("127.0.0.1", 3), 2));
        final long now = 5 * W;
        final int[] w = s.effectiveWeights(hosts, new long[] {SlowStart.NOT_RAMPING, now, now - W / 2}, now);
        assertThat(w).containsExactly(300, 0, 100);
        assertThat(s.ramping(now - W / 2, now)).isTrue();
        assertThat(s.ramping(now - W, now)).isFalse();
        assertThat(s.effectiveWeights(hosts, new long[] {SlowStart.NOT_RAMPING, now - W, now - 2 * W}, now)).isNull();
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new SlowStart(0, 1.0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SlowStart(W, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SlowStart(W, 1.0, 101)).isInstanceOf(IllegalArgumentException.class);
    }
}
