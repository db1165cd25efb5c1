package io.strait.lb.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    @Test
    void defaultsAreEnvoys() {
        final CircuitBreaker cb = CircuitBreaker.defaults();
        assertThat(cb.maxConnections()).isEqualTo(1024);
        assertThat(cb.maxPendingRequests()).isEqualTo(1024);
        assertThat(cb.maxRequests()).isEqualTo(1024);
        assertThat(cb.currentConnections()).isZero();
        assertThat(cb.currentPendingRequests()).isZero();
        assertThat(cb.currentRequests()).isZero();
    }

    @Test
    void limitsChangeAtRunTimeAndSlotsTakenStay() {
        final CircuitBreaker cb = new CircuitBreaker(4, 4, 2, 1);
        assertThat(cb.tryAcquireRequest()).isTrue();
        assertThat(cb.tryAcquireRequest()).isTrue();
        assertThat(cb.tryAcquireRequest()).isFalse();
        cb.setLimits(4, 4, 3, 0);
        assertThat(cb.maxRequests()).isEqualTo(3);
        assertThat(cb.tryAcquireRequest()).isTrue();
        assertThat(cb.tryAcquireRetry()).as("max_retries 0").isFalse();
        cb.setLimits(4, 4, 1, 1);
        assertThat(cb.currentRequests()).as("lowering a limit takes no slot back").isEqualTo(3);
        cb.releaseRequest();
        cb.releaseRequest();
        assertThat(cb.tryAcquireRequest()).as("still 1 in flight: at the new limit").isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> cb.setLimits(0, 1, 1, 1));
    }

    @Test
    void limitsBelowOneAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreaker(0, 1, 1))
            .withMessageContaining("maxConnections");
        assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreaker(1, 0, 1))
            .withMessageContaining("maxPendingRequests");
        assertThatIllegalArgumentException().isThrownBy(() -> new CircuitBreaker(1, 1, -1))
            .withMessageContaining("maxRequests");
    }

    @Test
    void eachLimitIsEnforcedIndependentlyAndOverflowTakesNothing() {
        final CircuitBreaker cb = new CircuitBreaker(1, 2, 3);
        assertThat(cb.tryAcquireConnection()).isTrue();
        assertThat(cb.tryAcquireConnection()).isFalse();
        assertThat(cb.currentConnections()).isEqualTo(1);

        assertThat(cb.tryAcquirePending()).isTrue();
        assertThat(cb.tryAcquirePending()).isTrue();
        assertThat(cb.tryAcquirePending()).isFalse();
        assertThat(cb.currentPendingRequests()).isEqualTo(2);

        for (int i = 0; i < 3; i++) {
            assertThat(cb.tryAcquireRequest()).isTrue();
        }
        assertThat(cb.tryAcquireRequest()).isFalse();
        assertThat(cb.currentRequests()).isEqualTo(3);

        cb.releaseConnection();
        assertThat(cb.tryAcquireConnection()).isTrue();
        cb.releaseConnection();
        cb.releasePending();
        cb.releasePending();
        cb.releaseRequest();
        assertThat(cb.tryAcquireRequest()).isTrue();
        for (int i = 0; i < 3; i++) {
            cb.releaseRequest();
        }
        assertThat(cb.currentConnections()).isZero();
        assertThat(cb.currentPendingRequests()).isZero();
        assertThat(cb.currentRequests()).isZero();
    }

    @Test
    void concurrentAcquiresNeverExceedTheLimitAndAllSlotsComeBack() throws Exception {
        final int limit = 3;
        final int threads = 6;
        final int rounds = 20_000;
        final CircuitBreaker cb = new CircuitBreaker(limit, limit, limit);
        final AtomicInteger holders = new AtomicInteger();
        final AtomicInteger maxHolders = new AtomicInteger();
        final AtomicLong granted = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] workers = new Thread[threads];
        final Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        if (cb.tryAcquireRequest()) {
                            final int now = holders.incrementAndGet();
                            maxHolders.accumulateAndGet(now, Math::max);
                            granted.incrementAndGet();
                            holders.decrementAndGet();
                            cb.releaseRequest();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                } catch (final Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (final Thread w : workers) {
            w.join();
        }
        synchronized (failure) {
            assertThat(failure[0]).isNull();
        }
        assertThat(maxHolders.get()).isBetween(1, limit);
        assertThat(granted.get() + refused.get()).isEqualTo((long) threads * rounds);
        assertThat(granted.get()).isPositive();
        assertThat(cb.currentRequests()).isZero();
        assertThat(cb.currentConnections()).isZero();
        assertThat(cb.currentPendingRequests()).isZero();
    }
}
