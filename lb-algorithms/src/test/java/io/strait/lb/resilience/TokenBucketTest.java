package io.strait.lb.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 1_000_000L;

    @Test
    void burstThenRefusal() {
        final TokenBucket b = new TokenBucket(3, 3, SECOND, T0);
        assertThat(b.tryAcquire(T0)).isTrue();
        assertThat(b.tryAcquire(T0 + 1)).isTrue();
        assertThat(b.tryAcquire(T0 + 2)).isTrue();
        assertThat(b.tryAcquire(T0 + 3)).isFalse();
        assertThat(b.tryAcquire(T0 + SECOND - 1)).isFalse();
        assertThat(b.availableTokens()).isZero();
    }

    @Test
    void refillsTokensPerFillAfterEachInterval() {
        final TokenBucket b = new TokenBucket(5, 2, SECOND, T0);
        for (int i = 0; i < 5; i++) {
            assertThat(b.tryAcquire(T0)).isTrue();
        }
        assertThat(b.tryAcquire(T0)).isFalse();
        final long t1 = T0 + SECOND + SECOND / 2;   // one interval and a half: +2, and the half is kept
        assertThat(b.tryAcquire(t1)).isTrue();
        assertThat(b.tryAcquire(t1)).isTrue();
        assertThat(b.tryAcquire(t1)).isFalse();
        assertThat(b.tryAcquire(T0 + 2 * SECOND - 1)).isFalse();
        assertThat(b.tryAcquire(T0 + 2 * SECOND)).isTrue();   // the second boundary, counted from T0
        assertThat(b.tryAcquire(T0 + 2 * SECOND)).isTrue();
        assertThat(b.tryAcquire(T0 + 2 * SECOND)).isFalse();
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        final TokenBucket b = new TokenBucket(4, 3, SECOND, T0);
        assertThat(b.tryAcquire(T0)).isTrue();
        final long later = T0 + 1000 * SECOND;   // many idle intervals
        int taken = 0;
        while (b.tryAcquire(later)) {
            taken++;
        }
        assertThat(taken).isEqualTo(4);
        final TokenBucket huge = new TokenBucket(2, Long.MAX_VALUE / 2, 1, T0);   // would overflow if multiplied
        assertThat(huge.tryAcquire(T0)).isTrue();
        assertThat(huge.tryAcquire(T0 + Long.MAX_VALUE / 4)).isTrue();
        assertThat(huge.availableTokens()).isEqualTo(1);
    }

    @Test
    void aClockBehindTheLastFillRefillsNothing() {
        final TokenBucket b = new TokenBucket(1, 1, SECOND, T0);
        assertThat(b.tryAcquire(T0)).isTrue();
        assertThat(b.tryAcquire(T0 - 5 * SECOND)).isFalse();
    }

    @Test
    void invalidParametersAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(0, 1, 1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(1, 0, 1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(1, 1, 0, 0));
    }

    @Test
    void concurrentAcquiresWithTimeFrozenTakeExactlyTheBurst() throws InterruptedException {
        final int max = 1000;
        final TokenBucket b = new TokenBucket(max, 10, SECOND, T0);
        final int threads = 4;
        final int attemptsEach = 600;
        final AtomicInteger granted = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            final Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int k = 0; k < attemptsEach; k++) {
                        if (b.tryAcquire(T0 + SECOND / 2)) {
                            granted.incrementAndGet();
                        }
                    }
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            t.start();
        }
        start.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(granted.get()).isEqualTo(max);
        assertThat(b.availableTokens()).isZero();
    }

    @Test
    void concurrentRefillAddsEachIntervalOnce() throws InterruptedException {
        final TokenBucket b = new TokenBucket(100, 10, SECOND, T0);
        for (int i = 0; i < 100; i++) {
            assertThat(b.tryAcquire(T0)).isTrue();
        }
        final int threads = 4;
        final AtomicInteger granted = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            new Thread(() -> {
                try {
                    start.await();
                    for (int k = 0; k < 50; k++) {
                        if (b.tryAcquire(T0 + SECOND)) {
                            granted.incrementAndGet();
                        }
                    }
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }).start();
        }
        start.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(granted.get()).isEqualTo(10);
    }
}
