package io.strait.lb.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retry slots of {@link CircuitBreaker}: max_retries, the retry budget, and their use from many threads. */
class RetryAdmissionTest {

    @Test
    void maxRetriesDefaultsToEnvoysThreeAndCapsRetriesInFlight() {
        final CircuitBreaker cb = CircuitBreaker.defaults();
        assertThat(cb.maxRetries()).isEqualTo(3);
        assertThat(cb.hasRetryBudget()).isFalse();
        for (int i = 0; i < 3; i++) {
            assertThat(cb.tryAcquireRetry()).isTrue();
        }
        assertThat(cb.tryAcquireRetry()).isFalse();
        assertThat(cb.currentRetries()).isEqualTo(3);
        cb.releaseRetry();
        assertThat(cb.tryAcquireRetry()).isTrue();
        for (int i = 0; i < 3; i++) {
            cb.releaseRetry();
        }
        assertThat(cb.currentRetries()).isZero();
    }

    @Test
    void maxRetriesZeroAdmitsNoRetryAndNegativeIsRefused() {
        final CircuitBreaker cb = new CircuitBreaker(10, 10, 10, 0);
        assertThat(cb.tryAcquireRetry()).isFalse();
        assertThat(cb.currentRetries()).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreaker(1, 1, 1, -1))
            .withMessageContaining("maxRetries");
    }

    @Test
    void budgetIsAPercentageOfActiveRequestsWithAFloor() {
        final CircuitBreaker cb = CircuitBreaker.withRetryBudget(1000, 1000, 1000, 20.0, 3);
        assertThat(cb.hasRetryBudget()).isTrue();
        assertThat(cb.retryBudgetPercent()).isEqualTo(20.0);
        assertThat(cb.minRetryConcurrency()).isEqualTo(3);
        // No load: the floor applies.
        assertThat(cb.retryLimit()).isEqualTo(3);
        // 30 requests in flight and 10 pending: 20% of 40 = 8.
        for (int i = 0; i < 30; i++) {
            assertThat(cb.tryAcquireRequest()).isTrue();
        }
        for (int i = 0; i < 10; i++) {
            assertThat(cb.tryAcquirePending()).isTrue();
        }
        assertThat(cb.retryLimit()).isEqualTo(8);
        for (int i = 0; i < 8; i++) {
            assertThat(cb.tryAcquireRetry()).as("retry %d", i).isTrue();
        }
        assertThat(cb.tryAcquireRetry()).isFalse();
        // The load falls to 10 requests: the limit is the floor again, and retries already held stay held.
        for (int i = 0; i < 20; i++) {
            cb.releaseRequest();
        }
        for (int i = 0; i < 10; i++) {
            cb.releasePending();
        }
        assertThat(cb.retryLimit()).isEqualTo(3);
        assertThat(cb.tryAcquireRetry()).isFalse();
        for (int i = 0; i < 5; i++) {
            cb.releaseRetry();
        }
        assertThat(cb.tryAcquireRetry()).isFalse();   // 3 held: at the floor
        cb.releaseRetry();
        assertThat(cb.tryAcquireRetry()).isTrue();    // 2 held: one more fits
        assertThat(cb.currentRetries()).isEqualTo(3);
    }

    @Test
    void budgetRefusesBadArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> CircuitBreaker.withRetryBudget(1, 1, 1, 100.5, 3))
            .withMessageContaining("budgetPercent");
        assertThatIllegalArgumentException().isThrownBy(() -> CircuitBreaker.withRetryBudget(1, 1, 1, Double.NaN, 3))
            .withMessageContaining("budgetPercent");
        assertThatIllegalArgumentException().isThrownBy(() -> CircuitBreaker.withRetryBudget(1, 1, 1, 20, -1))
            .withMessageContaining("minRetryConcurrency");
    }

    @Test
    void retrySlotsNeverExceedTheLimitUnderContention() throws Exception {
        final int limit = 5;
        final CircuitBreaker cb = new CircuitBreaker(1, 1, 1, limit);
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxSeen = new AtomicInteger();
        final AtomicInteger admitted = new AtomicInteger();
        final int threads = 4;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (final InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100_000; i++) {
                    if (cb.tryAcquireRetry()) {
                        final int now = inside.incrementAndGet();
                        maxSeen.accumulateAndGet(now, Math::max);
                        admitted.incrementAndGet();
                        inside.decrementAndGet();
                        cb.releaseRetry();
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (final Thread w : workers) {
            w.join();
        }
        assertThat(maxSeen.get()).isBetween(1, limit);
        assertThat(admitted.get()).isPositive();
        assertThat(cb.currentRetries()).isZero();
    }

    @Test
    void backoffBoundsDoubleFromBaseUpToMax() {
        final RetryBackoff b = new RetryBackoff(25, 250);
        assertThat(b.upperBoundNanos(0)).isEqualTo(25);
        assertThat(b.upperBoundNanos(1)).isEqualTo(50);
        assertThat(b.upperBoundNanos(2)).isEqualTo(100);
        assertThat(b.upperBoundNanos(3)).isEqualTo(200);
        assertThat(b.upperBoundNanos(4)).isEqualTo(250);
        assertThat(b.upperBoundNanos(62)).isEqualTo(250);
        assertThat(b.upperBoundNanos(1000)).isEqualTo(250);
        final RetryBackoff huge = new RetryBackoff(Long.MAX_VALUE / 4, Long.MAX_VALUE);
        assertThat(huge.upperBoundNanos(3)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void backoffDelaysAreUniformWithinTheBoundAndUseTheWholeRange() {
        final RetryBackoff b = new RetryBackoff(1_000, 10_000);
        final SplittableRandom random = new SplittableRandom(42);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        final int n = 20_000;
        for (int i = 0; i < n; i++) {
            final long d = b.delayNanos(2, random);   // bound 4000
            min = Math.min(min, d);
            max = Math.max(max, d);
            sum += d;
        }
        assertThat(min).isBetween(0L, 50L);
        assertThat(max).isBetween(3_950L, 3_999L);
        assertThat(sum / (double) n).isBetween(1_900.0, 2_100.0);
    }

    @Test
    void backoffRefusesBadArguments() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RetryBackoff(0, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> new RetryBackoff(10, 9));
    }
}
