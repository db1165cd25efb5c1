package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.config.HashPolicyConfig;
import io.strait.core.config.RouteConfig;
import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;
import io.strait.lb.algorithm.Algorithms;
import io.strait.lb.algorithm.XxHash64;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request hash of {@code hash_policy} (proxy-core, over Netty buffers) and the ring-hash host keys (lb-algorithms,
 * over byte arrays) must be one XXH64: a request whose header holds a ring key's bytes lands exactly on that key.
 */
class RequestHashAgreesWithRingKeysTest {

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    @Test
    void bufferAndArrayHashesAreTheSharedXxh64OnEveryLength() {
        final byte[] b = new byte[100];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 37 + 11);
        }
        final ByteBuf heap = Unpooled.wrappedBuffer(b);
        final ByteBuf direct = Unpooled.directBuffer(b.length).writeBytes(b);
        try {
            for (int len = 0; len <= 70; len++) {
                final long shared = XxHash64.hash(b, 3, len, 0);
                assertThat(Hashing.xxh64(heap, 3, 3 + len)).as("heap %d", len).isEqualTo(shared);
                assertThat(Hashing.xxh64(direct, 3, 3 + len)).as("direct %d", len).isEqualTo(shared);
                assertThat(Hashing.xxh64(b, 3, 3 + len)).as("array %d", len).isEqualTo(shared);
            }
        } finally {
            heap.release();
            direct.release();
        }
    }

    @Test
    void knownVectorsThroughADirectBuffer() {
        assertThat(directHash("")).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(directHash("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(directHash("foo")).isEqualTo(0x33BF00A859C4BA3FL);
        assertThat(directHash("abcdefghijklmnopqrstuvwxyz12345")).isEqualTo(0x467605901B01D6F6L);
        assertThat(directHash("0123456789abcdefghijklmnopqrstuvwxyz")).isEqualTo(0x69196C1B3AF0BFF9L);
    }

    @Test
    void aHeaderHoldingARingKeyPicksThatKeysHost() {
        final List<Host> hosts = List.of(new Host(new InetSocketAddress("127.0.0.1", 8081), 1),
            new Host(new InetSocketAddress("127.0.0.1", 8082), 1),
            new Host(new InetSocketAddress("127.0.0.1", 8083), 1));
        final LoadBalancer lb = Algorithms.ringHash(16, 1024).create(HostSet.of(hosts), 1L);
        final Route route = Route.compile("vh", 0, new RouteConfig(prefix("/"), "a", null, Duration.ZERO, null, null,
            List.of(), List.of(), List.of(), List.of(), List.of(HashPolicyConfig.ofHeader("x-key")), null),
            clusters("a"));
        for (final Host h : hosts) {
            for (int point = 0; point < 5; point++) {
                // The ring's key of point j of a host is "<host:port>_<j>" (RingHashLoadBalancer's Javadoc).
                final String key = h + "_" + point;
                final long hash = route.hash(requests.parse("GET / HTTP/1.1\r\nHost: h\r\nx-key: " + key + "\r\n\r\n"),
                    0, 0);
                assertThat(hash).isEqualTo(XxHash64.hash(key.getBytes(StandardCharsets.US_ASCII), 0, key.length(), 0));
                assertThat(lb.pick(hash)).as(key).isSameAs(h);
            }
        }
    }

    private static long directHash(final String s) {
        final ByteBuf buf = Unpooled.directBuffer(s.length() + 2).writeByte('x');
        buf.writeCharSequence(s, StandardCharsets.US_ASCII);
        try {
            return Hashing.xxh64(buf, 1, 1 + s.length());
        } finally {
            buf.release();
        }
    }
}
