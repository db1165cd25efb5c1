package io.strait.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class HostStatsTest {

    @Test
    void aReadSumsEveryLoopsSlotAndStatsStayApart() {
        final HostStats s = new HostStats(3);
        s.inc(0, HostStat.RQ_TOTAL);
        s.add(1, HostStat.RQ_TOTAL, 5);
        s.inc(2, HostStat.RQ_TOTAL);
        s.inc(2, HostStat.RQ_ERROR);
        assertThat(s.value(HostStat.RQ_TOTAL)).isEqualTo(7);
        assertThat(s.value(HostStat.RQ_ERROR)).isEqualTo(1);
        for (final HostStat other : HostStat.values()) {
            if (other != HostStat.RQ_TOTAL && other != HostStat.RQ_ERROR) {
                assertThat(s.value(other)).as(other.envoyName()).isZero();
            }
        }
    }

    @Test
    void aGaugesSharesMaySignButSumToTheOpenCount() {
        final HostStats s = new HostStats(2);
        s.add(0, HostStat.CX_ACTIVE, 1);
        s.add(0, HostStat.CX_ACTIVE, 1);
        s.add(1, HostStat.CX_ACTIVE, -1);
        assertThat(s.value(HostStat.CX_ACTIVE)).isEqualTo(1);
        assertThat(HostStat.CX_ACTIVE.isGauge()).isTrue();
        assertThat(HostStat.RQ_TOTAL.isGauge()).isFalse();
    }

    @Test
    void aLoopIndexOutsideTheRegionsThrowsInsteadOfWritingAnotherLoopsSlot() {
        final HostStats s = new HostStats(2);
        assertThatThrownBy(() -> s.inc(2, HostStat.CX_ACTIVE)).isInstanceOf(ArrayIndexOutOfBoundsException.class);
        assertThatThrownBy(() -> s.inc(-1, HostStat.CX_CONNECT_FAIL))
            .isInstanceOf(ArrayIndexOutOfBoundsException.class);
        assertThatIllegalArgumentException().isThrownBy(() -> new HostStats(0)).withMessageContaining("loops");
    }

    /**
     * Two writer threads, each its own loop index, as two event loops: no count is lost, which a shared plain slot
     * would not promise. A third thread reads meanwhile: every read is between 0 and the final total (a sum of whole
     * values, never torn).
     */
    @Test
    void twoLoopsWritingAtOnceLoseNoCount() throws Exception {
        final int perLoop = 2_000_000;
        final Host host = new Host(new InetSocketAddress("127.0.0.1", 1), 1, 2);
        final HostStats s = host.stats();
        final CyclicBarrier start = new CyclicBarrier(3);
        final Thread[] writers = new Thread[2];
        for (int l = 0; l < 2; l++) {
            final int loop = l;
            writers[l] = new Thread(() -> {
                await(start);
                for (int i = 0; i < perLoop; i++) {
                    s.inc(loop, HostStat.RQ_TOTAL);
                    s.inc(loop, HostStat.RQ_SUCCESS);
                }
            }, "loop-" + l);
            writers[l].start();
        }
        await(start);
        while (writers[0].isAlive() || writers[1].isAlive()) {
            assertThat(s.value(HostStat.RQ_TOTAL)).isBetween(0L, 2L * perLoop);
        }
        for (final Thread t : writers) {
            t.join();
        }
        assertThat(s.value(HostStat.RQ_TOTAL)).isEqualTo(2L * perLoop);
        assertThat(s.value(HostStat.RQ_SUCCESS)).isEqualTo(2L * perLoop);
        assertThat(s.loops()).isEqualTo(2);
    }

    @Test
    void aHostMadeWithoutALoopCountHasOneLoop() {
        final Host h = new Host(new InetSocketAddress("127.0.0.1", 1), 1);
        assertThat(h.stats().loops()).isEqualTo(1);
        h.stats().inc(0, HostStat.CX_TOTAL);
        assertThat(h.stats().value(HostStat.CX_TOTAL)).isEqualTo(1);
    }

    private static void await(final CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
