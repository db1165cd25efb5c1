package io.strait.core.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;

import java.time.Duration;

/**
 * What the end-to-end test contracts ({@link MessagingContract}, {@link BackpressureContract}, {@link
 * RoutingContract}, {@link UpstreamFailureContract}, {@link HostileClientContract}) need of the class that runs them:
 * the proxy on one transport, with the listeners and clusters of {@link AbstractProxyIntegrationTest}'s
 * configuration, and its stalled peers.
 */
interface ProxyFixture {

    /** How long a test waits for something the proxy does on its own. */
    Duration WAIT = Duration.ofSeconds(5);

    /** The running proxy and its upstreams {@code a}, {@code b} and {@code c}. */
    ProxyExtension proxy();

    /** epoll, io_uring or nio. */
    String transport();

    /** Size of the body pushed through a stalled peer in the backpressure tests. */
    long bigBody();

    /** The peer of route {@code /stalled-response/}: takes the request, then writes a body as fast as it can. */
    StalledPeer responsePeer();

    /** The peer of route {@code /stalled-upload/}: reads a request body. */
    StalledPeer uploadPeer();

    /** A new client of the main listener. */
    RawHttpClient client() throws Exception;

    /** A stat of the main listener. */
    long stat(HttpStat stat);

    /** A stat of {@code cluster}. */
    long clusterStat(String cluster, ClusterStat stat);
}
