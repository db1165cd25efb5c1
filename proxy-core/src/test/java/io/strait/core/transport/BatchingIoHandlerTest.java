package io.strait.core.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchingIoHandlerTest {

    /** A poller whose turns handle the scripted counts; records whether each turn was allowed to block. */
    private static final class ScriptedPoller implements IoHandler {
        final Deque<Integer> script = new ArrayDeque<>();
        final List<Boolean> blocking = new ArrayList<>();
        final AtomicInteger wakeups = new AtomicInteger();

        ScriptedPoller handles(final int... counts) {
            for (final int c : counts) {
                script.add(c);
            }
            return this;
        }

        @Override
        public int run(final IoHandlerContext context) {
            blocking.add(context.canBlock());
            return script.isEmpty() ? 0 : script.poll();
        }

        @Override
        public IoRegistration register(final IoHandle handle) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void wakeup() {
            wakeups.incrementAndGet();
        }

        @Override
        public boolean isCompatible(final Class<? extends IoHandle> handleType) {
            return true;
        }
    }

    /** A loop's context: whether it may block (no task queued), and the next scheduled task's delay. */
    private static final class Loop implements IoHandlerContext {
        boolean canBlock = true;
        long delayNanos = TimeUnit.SECONDS.toNanos(1);

        @Override
        public boolean canBlock() {
            return canBlock;
        }

        @Override
        public long delayNanos(final long currentTimeNanos) {
            return delayNanos;
        }

        @Override
        public long deadlineNanos() {
            return System.nanoTime() + delayNanos;
        }
    }

    @Test
    void anIdleLoopBlocksInThePollerAsWithoutBatching() {
        final ScriptedPoller poller = new ScriptedPoller().handles(0, 0);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.MICROSECONDS.toNanos(50));
        final Loop loop = new Loop();

        assertThat(handler.run(loop)).isZero();
        assertThat(handler.run(loop)).isZero();

        assertThat(poller.blocking).containsExactly(true, true);
    }

    @Test
    void afterATurnWithIoItWaitsThenCollectsWithoutBlocking() {
        // Turn 1 handles 2 (blocking, as idle). Turn 2: nothing ready now, so a batch wait, then 3 gathered.
        final ScriptedPoller poller = new ScriptedPoller().handles(2, 0, 3);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.MICROSECONDS.toNanos(50));
        final Loop loop = new Loop();

        assertThat(handler.run(loop)).isEqualTo(2);
        assertThat(handler.run(loop)).isEqualTo(3);

        assertThat(poller.blocking).containsExactly(true, false, false);
    }

    @Test
    void underLoadWhatIsReadyIsHandledWithoutWaiting() {
        final ScriptedPoller poller = new ScriptedPoller().handles(1, 4, 5);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.SECONDS.toNanos(60));
        final Loop loop = new Loop();

        assertThat(handler.run(loop)).isEqualTo(1);
        // A wait of 60 s would hang this test: ready events are taken at once.
        assertThat(handler.run(loop)).isEqualTo(4);
        assertThat(handler.run(loop)).isEqualTo(5);

        assertThat(poller.blocking).containsExactly(true, false, false);
    }

    @Test
    void aWaitThatGathersNothingLetsTheNextTurnBlock() {
        final ScriptedPoller poller = new ScriptedPoller().handles(1, 0, 0, 0);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.MICROSECONDS.toNanos(20));
        final Loop loop = new Loop();

        handler.run(loop);
        assertThat(handler.run(loop)).isZero();
        assertThat(handler.run(loop)).isZero();

        assertThat(poller.blocking).containsExactly(true, false, false, true);
    }

    @Test
    void queuedTasksPassTheLoopsContextThrough() {
        final ScriptedPoller poller = new ScriptedPoller().handles(1, 0);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.SECONDS.toNanos(60));
        final Loop loop = new Loop();

        handler.run(loop);
        loop.canBlock = false;
        // No wait (60 s would hang): the loop has tasks to run.
        assertThat(handler.run(loop)).isZero();

        assertThat(poller.blocking).containsExactly(true, false);
    }

    @Test
    void aDueScheduledTaskCutsTheWaitShort() {
        final ScriptedPoller poller = new ScriptedPoller().handles(1, 0, 2);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.SECONDS.toNanos(60));
        final Loop loop = new Loop();
        handler.run(loop);
        loop.delayNanos = 0;

        assertThat(handler.run(loop)).isEqualTo(2);
        assertThat(poller.blocking).containsExactly(true, false, false);
    }

    @Test
    void wakeupFromAnotherThreadEndsAWaitAndReachesThePoller() throws Exception {
        final ScriptedPoller poller = new ScriptedPoller().handles(1, 0, 0);
        final BatchingIoHandler handler = new BatchingIoHandler(poller, TimeUnit.SECONDS.toNanos(60));
        final Loop loop = new Loop();
        handler.run(loop);
        final Thread looping = new Thread(() -> handler.run(loop), "batching-loop");
        looping.start();
        // Until the loop sleeps in its (60 s) wait.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (LockSupport.getBlocker(looping) != handler && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(LockSupport.getBlocker(looping)).isSameAs(handler);

        handler.wakeup();

        looping.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(looping.isAlive()).isFalse();
        assertThat(poller.wakeups).hasValue(1);
        assertThat(poller.blocking).containsExactly(true, false, false);
    }

    @Test
    void zeroIsOffAndNegativeIsRejected() {
        final IoHandlerFactory nio = NioIoHandler.newFactory();
        assertThat(BatchingIoHandler.factory(nio, 0)).isSameAs(nio);
        assertThat(BatchingIoHandler.factory(nio, 1_000)).isNotSameAs(nio);
        assertThatThrownBy(() -> new BatchingIoHandler(new ScriptedPoller(), -1))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
