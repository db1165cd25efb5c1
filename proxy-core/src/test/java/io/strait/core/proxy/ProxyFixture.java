package io.strait.core.proxy;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.testing.TestUpstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starts Strait on a test configuration over real loopback sockets, with the upstreams it routes to.
 * Not thread-safe: one test class drives it.
 */
final class ProxyFixture implements AutoCloseable {

    final TestUpstream a = new TestUpstream("a").start();
    final TestUpstream b = new TestUpstream("b").start();
    final TestUpstream c = new TestUpstream("c").start();
    final int deadPort;
    final ServerSocket blackhole;
    final StalledPeer responsePeer = new StalledPeer();
    final StalledPeer uploadPeer = new StalledPeer();
    private final List<Socket> backlogFillers = new ArrayList<>();
    final ProxyServer server;

    ProxyFixture(final String transport) throws Exception {
        deadPort = closedPort();
        blackhole = fullBacklogServer(backlogFillers);
        final String yaml = CONFIG.replace("${TRANSPORT}", transport)
            .replace("${A}", Integer.toString(a.port()))
            .replace("${B}", Integer.toString(b.port()))
            .replace("${C}", Integer.toString(c.port()))
            .replace("${DEAD}", Integer.toString(deadPort))
            .replace("${BLACKHOLE}", Integer.toString(blackhole.getLocalPort()))
            .replace("${RESPONSE_PEER}", Integer.toString(responsePeer.port()))
            .replace("${UPLOAD_PEER}", Integer.toString(uploadPeer.port()));
        final ConfigResult result = ConfigLoader.parse(yaml, "test.yaml");
        if (!result.ok()) {
            throw new IllegalStateException(result.errors().toString());
        }
        server = ProxyServer.start(result.config());
    }

    /** Port of the main listener (unlimited body, generous limits). */
    int port() {
        return server.boundAddress("main").getPort();
    }

    /** Port of the strict listener (small limits and timeouts). */
    int strictPort() {
        return server.boundAddress("strict").getPort();
    }

    @Override
    public void close() throws Exception {
        server.close();
        a.close();
        b.close();
        c.close();
        for (final Socket s : backlogFillers) {
            s.close();
        }
        blackhole.close();
        responsePeer.close();
        uploadPeer.close();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A listening socket that never accepts, its backlog filled, so the kernel drops further SYNs
     * and connects to it time out. The connected filler sockets go into {@code fillers}; close them after.
     */
    static ServerSocket fullBacklogServer(final List<Socket> fillers) throws IOException {
        final ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 4; i++) {
            final Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()), 200);
                fillers.add(filler);
            } catch (final IOException full) {
                filler.close();
                break;
            }
        }
        return s;
    }

    private static final String CONFIG = String.join("\n",
        "runtime: { event_loops: 2, transport: ${TRANSPORT}, drain_timeout: 5s }",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1:0",
        "    timeouts: { request_headers: 2s, idle: 30s }",
        "    virtual_hosts:",
        "      - name: exact",
        "        domains: [ \"exact.test\", \"Port.Test:8080\" ]",
        "        routes: [ { match: { prefix: / }, cluster: c } ]",
        "      - name: wild",
        "        domains: [ \"*.wild.test\" ]",
        "        routes: [ { match: { prefix: / }, cluster: b_only } ]",
        "      - name: narrow",
        "        domains: [ \"narrow.test\" ]",
        "        routes: [ { match: { prefix: /only }, cluster: c } ]",
        "      - name: default",
        "        domains: [ \"*\" ]",
        "        routes:",
        "          - { match: { path: /exact }, cluster: b_only }",
        "          - { match: { regex: \"/re/[0-9]+\" }, cluster: c }",
        "          - match: { prefix: /hdr, headers: [ { name: x-route, exact: \"c\" } ] }",
        "            cluster: c",
        "          - match: { prefix: /hdr, headers: [ { name: x-route, present: true } ] }",
        "            cluster: b_only",
        "          - { match: { prefix: /method, methods: [ POST ] }, cluster: c }",
        "          - match: { prefix: /split }",
        "            weighted_clusters: [ { cluster: a_only, weight: 25 }, { cluster: b_only, weight: 75 } ]",
        "          - { match: { prefix: /timeout/ }, cluster: a_only, timeout: 300ms, prefix_rewrite: / }",
        "          - match: { prefix: /old/ }",
        "            cluster: a_only",
        "            prefix_rewrite: /new/",
        "            host_rewrite: rewritten.test",
        "            request_headers_to_add: [ { name: x-added, value: \"yes\" } ]",
        "            request_headers_to_remove: [ x-secret ]",
        "            response_headers_to_add: [ { name: x-resp, value: added } ]",
        "            response_headers_to_remove: [ x-upstream ]",
        "          - { match: { prefix: /refused/ }, cluster: dead }",
        "          - { match: { prefix: /blackhole/ }, cluster: blackhole }",
        "          - { match: { prefix: /api/ }, cluster: api }",
        "          - { match: { prefix: /stalled-response/ }, cluster: response_peer, timeout: 0s }",
        "          - { match: { prefix: /stalled-upload/ }, cluster: upload_peer, timeout: 0s }",
        "          - { match: { prefix: / }, cluster: a_only }",
        "  - name: strict",
        "    address: 127.0.0.1:0",
        "    limits: { request_line: 256, headers: 1KiB, header_count: 10, body: 1KiB }",
        "    timeouts: { request_headers: 500ms, idle: 700ms }",
        "    virtual_hosts:",
        "      - domains: [ \"*\" ]",
        "        routes: [ { match: { prefix: / }, cluster: a_only } ]",
        "clusters:",
        "  - name: api",
        "    endpoints: [ { address: 127.0.0.1:${A} }, { address: 127.0.0.1:${B} } ]",
        "  - { name: a_only, endpoints: [ { address: 127.0.0.1:${A} } ] }",
        "  - { name: b_only, endpoints: [ { address: 127.0.0.1:${B} } ] }",
        "  - { name: c, endpoints: [ { address: 127.0.0.1:${C} } ] }",
        "  - { name: dead, connect_timeout: 1s, endpoints: [ { address: 127.0.0.1:${DEAD} } ] }",
        "  - { name: blackhole, connect_timeout: 300ms, endpoints: [ { address: 127.0.0.1:${BLACKHOLE} } ] }",
        "  - { name: response_peer, endpoints: [ { address: 127.0.0.1:${RESPONSE_PEER} } ] }",
        "  - { name: upload_peer, endpoints: [ { address: 127.0.0.1:${UPLOAD_PEER} } ] }",
        "");

    /**
     * A raw upstream on its own thread that reads a request head, then neither reads nor writes until
     * told: lets a test see how much a client could push through the proxy (or the proxy could take
     * from an upstream) while the other side is stalled.
     */
    static final class StalledPeer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        volatile Socket accepted;

        StalledPeer() throws IOException {
        }

        int port() {
            return socket.getLocalPort();
        }

        Socket accept() throws IOException {
            accepted = socket.accept();
            return accepted;
        }

        /** Writes {@code total} bytes until done or closed, counting them in {@code written}. */
        static void writeBody(final OutputStream out, final long total, final AtomicLong written) throws IOException {
            final byte[] chunk = new byte[64 * 1024];
            long left = total;
            while (left > 0) {
                final int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
                written.addAndGet(n);
            }
            out.flush();
        }

        /** Reads {@code total} bytes, counting them in {@code read}. */
        static void readBody(final InputStream in, final long total, final AtomicLong read) throws IOException {
            final byte[] chunk = new byte[64 * 1024];
            long left = total;
            while (left > 0) {
                final int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw new IOException("eof after " + (total - left) + " of " + total + " bytes");
                }
                left -= n;
                read.addAndGet(n);
            }
        }

        /** Reads and discards until the head's blank line. */
        static void readHead(final InputStream in) throws IOException {
            int state = 0;
            while (state < 4) {
                final int c = in.read();
                if (c < 0) {
                    throw new IOException("eof in head");
                }
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
            }
        }

        @Override
        public void close() throws IOException {
            final Socket s = accepted;
            if (s != null) {
                s.close();
            }
            socket.close();
        }
    }
}
