package io.strait.core.server;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end proxy tests on epoll with the event loops gathering I/O ({@code runtime.batch_wait}): every
 * contract (messaging, backpressure, routing, upstream failures, hostile clients) holds when a loop sleeps between
 * polls instead of blocking in the poller after each turn that handled I/O.
 */
class BatchWaitProxyIntegrationTest extends AbstractProxyIntegrationTest {

    @Override
    public String transport() {
        return "epoll";
    }

    @Override
    String runtimeKeys() {
        return ", batch_wait: 200us";
    }

    @Test
    void runsWithTheBatchWait() {
        assertThat(proxy.server().snapshot().config().runtime().batchWait()).isEqualTo(Duration.ofNanos(200_000));
    }
}
