package io.strait.core.server;

import io.strait.core.testing.RawHttpClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The end-to-end proxy tests on the epoll transport (the default), plus the longer ones run on it alone. */
class EpollProxyIntegrationTest extends AbstractProxyIntegrationTest {

    @Override
    public String transport() {
        return "epoll";
    }

    /** The figure: a 1 GiB body between a fast and a stalled peer, both directions. */
    @Override
    public long bigBody() {
        return 1L << 30;
    }

    @Test
    void weightedClustersSplitWithinTwoPercentOver10000Requests() throws Exception {
        final int n = 10_000;
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            for (int i = 0; i < n; i++) {
                client.send(RawHttpClient.request("GET", "/split", "x"));
                assertThat(client.readResponse().status()).isEqualTo(200);
            }
        }
        // Configured 25 / 75. Each request picks independently, so the count to a_only is binomial(10000, 0.25):
        // sd = sqrt(10000 * 0.25 * 0.75) = 43.3, and +-2% of 10,000 (200 requests) is 4.6 sd: a false failure has
        // probability below 1e-5.
        assertThat(proxy.upstream("a").requestCount() + proxy.upstream("b").requestCount()).isEqualTo(n);
        assertThat(proxy.upstream("a").requestCount()).isBetween(2500 - 200, 2500 + 200);
    }
}
