package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import java.lang.reflect.Field;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection churn (one request per connection, as perf-tests' churn scenario): a closed connection must leave
 * nothing behind on its event loop. Before the fix every connection left its idle-timer task (60 s) in the loop's
 * scheduled-task queue, holding the handler, channel and buffers: under churn the queue held every connection of the
 * last minute.
 */
class ConnectionChurnIntegrationTest {

    private static final int CONNECTIONS = 300;

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: / }, cluster: u, timeout: 15s }
        clusters:
          - name: u
            endpoints: [ { address: 127.0.0.1:${upstream:u} } ]
        """).upstreams("u");

    /** The number of tasks scheduled on {@code loop}, read on the loop itself. */
    private static int scheduledTasks(final EventLoop loop) throws Exception {
        final Field queue = AbstractScheduledEventExecutor.class.getDeclaredField("scheduledTaskQueue");
        queue.setAccessible(true);
        return loop.submit(() -> {
            final Collection<?> q = (Collection<?>) queue.get(loop);
            return q == null ? 0 : q.size();
        }).get(5, TimeUnit.SECONDS);
    }

    @Test
    void closedConnectionsLeaveNoTimerTasksBehind() throws Exception {
        final int port = proxy.port("main");
        final EventLoop loop = proxy.server().workerLoops().iterator().next();
        final int before = scheduledTasks(loop);
        for (int i = 0; i < CONNECTIONS; i++) {
            try (RawHttpClient client = new RawHttpClient(port)) {
                final RawResponse r = client.get("/churn/" + i, "x");
                assertThat(r.status()).isEqualTo(200);
            }
        }
        // Let the loop see the last closes.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
            .until(() -> scheduledTasks(loop) <= before + 10);
        assertThat(scheduledTasks(loop)).isLessThan(CONNECTIONS / 10);
    }
}
