package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.config.ForwardingConfig;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.route.Hashing;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forwarding policy on header blocks built as the HTTP/1.1 codec builds them (wire entries pointing into the
 * head's bytes), for each mode: Envoy's six documented examples of the trusted client address, X-Forwarded-Proto on
 * plain and TLS listeners, x-request-id replaced or preserved, bad X-Forwarded-For values, and no allocation per
 * request without X-Forwarded-For.
 */
class ForwardingHeadersTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String PEER = "192.0.2.5";
    private static final String ENVOY_XFF = "203.0.113.128, 203.0.113.10, 203.0.113.1";

    private final SplittableRandom random = new SplittableRandom(7);

    /** A block of wire entries over {@code "name: value"} lines, as the codec records them. */
    private HttpHeaderBlock block(final String... lines) {
        final HttpHeaderBlock h = new HttpHeaderBlock();
        fill(h, lines);
        return h;
    }

    private void fill(final HttpHeaderBlock h, final String... lines) {
        final String raw = String.join("\r\n", lines) + "\r\n";
        // A plain heap buffer: the leak detector's wrapper (tests run it paranoid) records every access.
        final ByteBuf buf = Unpooled.wrappedBuffer(raw.getBytes(StandardCharsets.ISO_8859_1));
        h.reset(buf);
        int line = 0;
        for (final String l : lines) {
            final int colon = l.indexOf(':');
            int vs = colon + 1;
            while (vs < l.length() && l.charAt(vs) == ' ') {
                vs++;
            }
            h.addWire(line, line + colon, line + vs, line + l.length());
            line += l.length() + 2;
        }
    }

    private static ForwardingHeaders policy(final boolean useRemote, final int hops, final boolean preserve,
                                            final boolean tls) {
        return connected(new ForwardingHeaders(new ForwardingConfig(useRemote, hops, preserve), tls), PEER);
    }

    private static ForwardingHeaders connected(final ForwardingHeaders f, final String peer) {
        try {
            f.peer(new InetSocketAddress(InetAddress.getByName(peer), 40_000));
        } catch (final java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
        return f;
    }

    private static ForwardingHeaders edge() {
        return policy(true, 0, false, false);
    }

    private static long hash(final String ip) {
        try {
            final byte[] b = InetAddress.getByName(ip).getAddress();
            return Hashing.xxh64(b, 0, b.length);
        } catch (final java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Every live value of {@code name}, in order, read from the bytes (an AsciiString caches its toString, and the
     * per-connection values are rewritten under their wrapper for each request).
     */
    private static List<String> values(final HttpHeaderBlock h, final String name) {
        final List<String> out = new ArrayList<>();
        for (int i = h.indexOf(name); i >= 0; i = h.indexOf(name, i + 1)) {
            out.add(new String(h.value(i).toByteArray(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    // ------------------------------------------------------------------ X-Forwarded-For and the trusted address

    @Test
    void edgeWithoutXffAddsThePeerAndTrustsIt() {
        final HttpHeaderBlock h = block("host: a");
        final ForwardingHeaders f = edge();
        f.apply(h, random);
        assertThat(values(h, "x-forwarded-for")).containsExactly(PEER);
        assertThat(values(h, "x-forwarded-proto")).containsExactly("http");
        assertThat(values(h, "x-request-id")).singleElement().asString().matches(UUID);
        assertThat(f.trustedFromXff()).isFalse();
        assertThat(f.sourceIpHash()).isEqualTo(hash(PEER));
        assertThat(values(h, "x-strait-external-address")).containsExactly(PEER);
    }

    @Test
    void edgeAppendsThePeerToTheClientsXffAndIgnoresItForTrust() {
        // Envoy's example 1: use_remote_address true, no trusted hops.
        final HttpHeaderBlock h = block("host: a", "X-Forwarded-For: " + ENVOY_XFF,
            "X-Strait-External-Address: 203.0.113.128");
        final ForwardingHeaders f = edge();
        f.apply(h, random);
        assertThat(values(h, "x-forwarded-for")).containsExactly(ENVOY_XFF + ", " + PEER);
        assertThat(f.trustedFromXff()).isFalse();
        assertThat(f.sourceIpHash()).isEqualTo(hash(PEER));
        assertThat(values(h, "x-strait-external-address")).as("the client's claim replaced").containsExactly(PEER);
    }

    @Test
    void severalXffLinesAreJoinedIntoOneAndEmptyOnesDropped() {
        final HttpHeaderBlock h = block("x-forwarded-for: 10.0.0.1", "host: a", "x-forwarded-for:",
            "X-FORWARDED-FOR: 10.0.0.2, 10.0.0.3");
        edge().apply(h, random);
        assertThat(values(h, "x-forwarded-for")).containsExactly("10.0.0.1, 10.0.0.2, 10.0.0.3, " + PEER);
        assertThat(values(h, "host")).containsExactly("a");
    }

    @Test
    void edgeWithTrustedHopsTakesTheNthFromTheRightBeforeTheAppend() {
        // Envoy's example 3: use_remote_address true, xff_num_trusted_hops 2.
        final HttpHeaderBlock h = block("x-forwarded-for: " + ENVOY_XFF);
        final ForwardingHeaders two = policy(true, 2, false, false);
        two.apply(h, random);
        assertThat(values(h, "x-forwarded-for")).containsExactly(ENVOY_XFF + ", " + PEER);
        assertThat(two.trustedFromXff()).isTrue();
        assertThat(two.sourceIpHash()).isEqualTo(hash("203.0.113.10"));
        assertThat(values(h, "x-strait-external-address")).containsExactly("203.0.113.10");

        final HttpHeaderBlock h1 = block("x-forwarded-for: " + ENVOY_XFF);
        final ForwardingHeaders one = policy(true, 1, false, false);
        one.apply(h1, random);
        assertThat(one.sourceIpHash()).isEqualTo(hash("203.0.113.1"));
        assertThat(values(h1, "x-forwarded-for")).containsExactly(ENVOY_XFF + ", " + PEER);
    }

    @Test
    void behindATrustedProxyXffPassesUnchangedAndItsLastEntryIsTrusted() {
        // Envoy's example 2: use_remote_address false, no trusted hops: the last entry is the edge's append.
        final String xff = ENVOY_XFF + ", " + PEER;
        final HttpHeaderBlock h = block("x-forwarded-for: " + xff, "x-strait-external-address: " + PEER);
        final ForwardingHeaders f = connected(new ForwardingHeaders(new ForwardingConfig(false, 0, false), false),
            "10.11.12.13");
        f.apply(h, random);
        assertThat(values(h, "x-forwarded-for")).containsExactly(xff);
        assertThat(values(h, "x-strait-external-address")).as("the edge's, unchanged").containsExactly(PEER);
        assertThat(f.trustedAddress().toString()).isEqualTo(PEER);
        assertThat(h.isAdded(h.indexOf("x-forwarded-for"))).as("the client's own line, untouched").isFalse();
        assertThat(f.trustedFromXff()).isTrue();
        assertThat(f.sourceIpHash()).isEqualTo(hash(PEER));
    }

    @Test
    void behindATrustedProxyWithHopsTakesTheNPlusFirstFromTheRight() {
        // Envoy's example 4: use_remote_address false, xff_num_trusted_hops 2.
        final HttpHeaderBlock h = block("x-forwarded-for: " + ENVOY_XFF + ", " + PEER);
        final ForwardingHeaders f = policy(false, 2, false, false);
        f.apply(h, random);
        assertThat(f.sourceIpHash()).isEqualTo(hash("203.0.113.10"));
    }

    @Test
    void behindATrustedProxyWithoutXffTheConnectionIsTheClientAndNoXffIsAdded() {
        // Envoy's example 5.
        final HttpHeaderBlock h = block("host: a");
        final ForwardingHeaders f = policy(false, 0, false, false);
        f.apply(h, random);
        assertThat(values(h, "x-forwarded-for")).isEmpty();
        assertThat(f.trustedFromXff()).isFalse();
        assertThat(f.sourceIpHash()).isEqualTo(hash(PEER));
    }

    @Test
    void tooFewEntriesOrABadEntryLeaveThePeerTrusted() {
        for (final String xff : new String[] {"203.0.113.1", "unknown, 203.0.113.1", "203.0.113.7:8080, 1.1.1.1",
            "[2001:db8::1], 1.1.1.1", "203.0.113.07, 1.1.1.1", "256.0.0.1, 1.1.1.1", ", 1.1.1.1",
            "2001:db8::1::2, 1.1.1.1", "\"for=1.2.3.4\", 1.1.1.1", "1.2.3.4 5.6.7.8, 1.1.1.1"}) {
            final HttpHeaderBlock h = block("x-forwarded-for: " + xff);
            final ForwardingHeaders f = policy(true, 2, false, false);
            f.apply(h, random);
            assertThat(f.trustedFromXff()).as(xff).isFalse();
            assertThat(f.sourceIpHash()).as(xff).isEqualTo(hash(PEER));
            assertThat(values(h, "x-forwarded-for")).as(xff).containsExactly(xff + ", " + PEER);
            assertThat(values(h, "x-strait-external-address")).as(xff).containsExactly(PEER);
        }
    }

    @Test
    void ipv6EntriesAreTrustedAndAMappedIpv4HashesAsItsIpv4() {
        final ForwardingHeaders f = policy(true, 1, false, false);
        f.apply(block("x-forwarded-for: 10.0.0.1,2001:DB8::7"), random);
        assertThat(f.sourceIpHash()).isEqualTo(hash("2001:db8::7"));
        final HttpHeaderBlock mapped = block("x-forwarded-for: \t::ffff:198.51.100.4 ");
        f.apply(mapped, random);
        assertThat(f.sourceIpHash()).isEqualTo(hash("198.51.100.4"));
        assertThat(values(mapped, "x-strait-external-address")).as("the entry's text, blanks trimmed")
            .containsExactly("::ffff:198.51.100.4");
        f.apply(block("host: a"), random);
        assertThat(f.trustedFromXff()).as("reset for the next request").isFalse();
        assertThat(f.sourceIpHash()).isEqualTo(hash(PEER));
    }

    @Test
    void aLongXffGrowsTheBufferAndKeepsEveryByte() {
        final StringBuilder xff = new StringBuilder();
        for (int i = 0; i < ForwardingConfig.MAX_TRUSTED_HOPS; i++) {
            xff.append(i == 0 ? "" : ", ").append("10.0.").append(i).append(".1");
        }
        final HttpHeaderBlock h = block("x-forwarded-for: " + xff);
        final ForwardingHeaders f = policy(true, ForwardingConfig.MAX_TRUSTED_HOPS, false, false);
        f.apply(h, random);
        assertThat(values(h, "x-forwarded-for")).containsExactly(xff + ", " + PEER);
        assertThat(f.sourceIpHash()).isEqualTo(hash("10.0.0.1"));
        // The next, shorter request on the same connection reuses the buffer and gets only its own bytes.
        final HttpHeaderBlock next = block("x-forwarded-for: 10.9.9.9");
        f.apply(next, random);
        assertThat(values(next, "x-forwarded-for")).containsExactly("10.9.9.9, " + PEER);
    }

    // ------------------------------------------------------------------ X-Forwarded-Proto

    @Test
    void theEdgeSetsXfpFromTheConnectionWhateverTheClientSent() {
        final HttpHeaderBlock plain = block("X-Forwarded-Proto: https", "host: a");
        edge().apply(plain, random);
        assertThat(values(plain, "x-forwarded-proto")).containsExactly("http");

        final HttpHeaderBlock tls = block("x-forwarded-proto: http");
        policy(true, 0, false, true).apply(tls, random);
        assertThat(values(tls, "x-forwarded-proto")).containsExactly("https");

        final HttpHeaderBlock none = block("host: a");
        policy(true, 0, false, true).apply(none, random);
        assertThat(values(none, "x-forwarded-proto")).containsExactly("https");
    }

    @Test
    void aTrustedDownstreamsXfpIsKeptWhenItIsOneValidValue() {
        final HttpHeaderBlock hops = block("x-forwarded-proto: HTTPS");
        policy(true, 1, false, false).apply(hops, random);
        assertThat(values(hops, "x-forwarded-proto")).containsExactly("HTTPS");

        final HttpHeaderBlock inner = block("x-forwarded-proto: https");
        policy(false, 0, false, false).apply(inner, random);
        assertThat(values(inner, "x-forwarded-proto")).containsExactly("https");

        final HttpHeaderBlock absent = block("host: a");
        policy(false, 0, false, false).apply(absent, random);
        assertThat(values(absent, "x-forwarded-proto")).containsExactly("http");

        final HttpHeaderBlock garbage = block("x-forwarded-proto: javascript");
        policy(false, 0, false, false).apply(garbage, random);
        assertThat(values(garbage, "x-forwarded-proto")).containsExactly("http");

        final HttpHeaderBlock two = block("x-forwarded-proto: https", "x-forwarded-proto: https");
        policy(true, 1, false, true).apply(two, random);
        assertThat(values(two, "x-forwarded-proto")).containsExactly("https");
        assertThat(two.isAdded(two.indexOf("x-forwarded-proto"))).as("two lines: replaced by one").isTrue();
    }

    // ------------------------------------------------------------------ x-request-id

    @Test
    void aClientsRequestIdIsReplacedByDefault() {
        final HttpHeaderBlock h = block("X-Request-Id: abc-123", "x-request-id: def");
        edge().apply(h, random);
        assertThat(values(h, "x-request-id")).singleElement().asString().matches(UUID);
    }

    @Test
    void preserveExternalRequestIdKeepsTheClientsAndGeneratesWhenAbsent() {
        final ForwardingHeaders f = policy(true, 0, true, false);
        final HttpHeaderBlock given = block("x-request-id: abc-123");
        f.apply(given, random);
        assertThat(values(given, "x-request-id")).containsExactly("abc-123");
        final HttpHeaderBlock none = block("host: a");
        f.apply(none, random);
        assertThat(values(none, "x-request-id")).singleElement().asString().matches(UUID);
    }

    @Test
    void eachRequestGetsItsOwnId() {
        final ForwardingHeaders f = edge();
        final HttpHeaderBlock h = block("host: a");
        f.apply(h, random);
        final String first = values(h, "x-request-id").get(0);
        fill(h, "host: a");
        f.apply(h, random);
        assertThat(values(h, "x-request-id")).singleElement().asString().matches(UUID).isNotEqualTo(first);
    }

    // ------------------------------------------------------------------ allocation

    @Test
    void noAllocationPerRequestWithoutXffNorForARepeatedXff() {
        assertNoAllocationPerRequest(edge());
        assertNoAllocationPerRequest(policy(true, 1, false, false));
    }

    private void assertNoAllocationPerRequest(final ForwardingHeaders f) {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final HttpHeaderBlock none = block("host: a", "x-request-id: abc");
        final HttpHeaderBlock xff = block("host: a", "x-forwarded-for: 203.0.113.9");
        final ByteBuf noneBytes = none.backing();
        final ByteBuf xffBytes = xff.backing();
        for (int i = 0; i < 20_000; i++) {   // warm: the block's arrays grow once, the JIT compiles
            run(f, none, noneBytes, xff, xffBytes);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            run(f, none, noneBytes, xff, xffBytes);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        // 20,000 requests; a wrapper or a copy per request would be 480 KB or more.
        assertThat(allocated).isLessThan(20_000);
        assertThat(values(xff, "x-forwarded-for")).containsExactly("203.0.113.9, " + PEER);
    }

    private void run(final ForwardingHeaders f, final HttpHeaderBlock none, final ByteBuf noneBytes,
                     final HttpHeaderBlock xff, final ByteBuf xffBytes) {
        none.reset(noneBytes);
        none.addWire(0, 4, 6, 7);
        none.addWire(9, 21, 23, 26);
        f.apply(none, random);
        xff.reset(xffBytes);
        xff.addWire(0, 4, 6, 7);
        xff.addWire(9, 24, 26, 37);
        f.apply(xff, random);
    }
}
