package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.http.HttpTrailers;
import io.strait.core.route.RetryPolicy;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import io.strait.lb.resilience.CircuitBreaker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The retry controller's decisions and its body buffer, with explicit clock readings. */
class RetryControllerTest {

    private static final long MS = 1_000_000L;

    private final StatsScope<ClusterStat> scope = new StatsRegistry(1).scope("cluster.t.", ClusterStat.class);
    private final LoopStats<ClusterStat> stats = scope.loop(0);

    private static RetryPolicy policy(final int attempts, final long bufferLimit) {
        return RetryPolicy.compile(new RetryPolicyConfig(attempts, List.of(RetryPolicyConfig.RETRY_5XX),
            List.of(), Duration.ofMillis(100), Duration.ofMillis(10), Duration.ofMillis(10), bufferLimit));
    }

    @Test
    void smallChunksAreCopiedSoTheyDoNotPinTheirReadBuffers() {
        final RetryController rc = new RetryController();
        rc.begin(policy(1, 64 * 1024), 0, null, 0);
        final ByteBuf[] reads = new ByteBuf[1000];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = Unpooled.directBuffer(16 * 1024).writeZero(16 * 1024);
            final ByteBuf oneByte = reads[i].slice(i, 1);
            rc.keep(oneByte, PooledByteBufAllocator.DEFAULT);
        }
        assertThat(rc.buffering()).isTrue();
        assertThat(rc.heldBytes()).isLessThanOrEqualTo(4096);
        for (final ByteBuf b : reads) {
            assertThat(b.refCnt()).as("the read buffer is not retained").isEqualTo(1);
            b.release();
        }
        final ArrayDeque<Object> replay = new ArrayDeque<>();
        rc.replayInto(replay);
        final int replayed = replay.stream().mapToInt(o -> ((ByteBuf) o).readableBytes()).sum();
        assertThat(replayed).isEqualTo(1000);
        replay.forEach(o -> ((ByteBuf) o).release());
        rc.end();
    }

    @Test
    void trailersAreReplayedAfterTheBodyWhileItIsKept() {
        final RetryController rc = new RetryController();
        rc.begin(policy(1, 64 * 1024), 0, null, 0);
        final ByteBuf chunk = Unpooled.buffer(8).writeLong(7);
        rc.keep(chunk, PooledByteBufAllocator.DEFAULT);
        final HttpTrailers t = new HttpTrailers();
        rc.keepTrailers(t);
        final ArrayDeque<Object> replay = new ArrayDeque<>();
        rc.replayInto(replay);
        assertThat(replay).hasSize(2);
        assertThat(replay.peekLast()).isSameAs(t);
        ((ByteBuf) replay.peekFirst()).release();
        rc.stopBuffering();
        replay.clear();
        rc.replayInto(replay);
        assertThat(replay).as("nothing kept once buffering stopped").isEmpty();
        chunk.release();
        rc.end();
    }

    @Test
    void aLargeChunkIsChargedTheBufferItPins() {
        final RetryController rc = new RetryController();
        rc.begin(policy(1, 64 * 1024), 0, null, 0);
        final ByteBuf read = Unpooled.directBuffer(48 * 1024).writeZero(48 * 1024);
        rc.keep(read.slice(0, 30 * 1024), PooledByteBufAllocator.DEFAULT);   // more than half: retained
        assertThat(rc.heldBytes()).isEqualTo(48 * 1024);
        rc.keep(read.slice(30 * 1024, 18 * 1024), PooledByteBufAllocator.DEFAULT);   // copied: over the limit
        assertThat(rc.buffering()).isFalse();
        assertThat(read.refCnt()).as("released when buffering stops").isEqualTo(1);
        read.release();
        rc.end();
    }

    @Test
    void perTryDeadlineBackoffAndAttempts() {
        final RetryController rc = new RetryController();
        final CircuitBreaker breaker = new CircuitBreaker(100, 100, 100, 3);
        rc.begin(policy(1, 1024), 0, null, 1000 * MS);
        assertThat(rc.perTryDeadline()).isEqualTo(1100 * MS);
        assertThat(rc.due(1100 * MS - 1)).isEqualTo(RetryController.NOTHING_DUE);
        assertThat(rc.due(1100 * MS)).isEqualTo(RetryController.PER_TRY_TIMEOUT);
        assertThat(rc.admit(true, true, breaker, stats)).isEqualTo(RetryController.ADMITTED);
        final long backoffEnd = rc.startBackoff(false, new SplittableRandom(1), 1100 * MS);
        assertThat(backoffEnd - 1100 * MS).isBetween(1L, 10 * MS);
        assertThat(rc.nextDeadline()).isEqualTo(backoffEnd);
        assertThat(rc.due(backoffEnd)).isEqualTo(RetryController.BACKOFF_OVER);
        rc.startTry(backoffEnd);
        assertThat(rc.admit(true, true, breaker, stats)).isEqualTo(RetryController.LIMIT_EXCEEDED);
        assertThat(scope.value(ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED)).isEqualTo(1);
        assertThat(rc.admit(false, true, breaker, stats)).isEqualTo(RetryController.NOT_REPLAYABLE);
        rc.end();
    }
}
