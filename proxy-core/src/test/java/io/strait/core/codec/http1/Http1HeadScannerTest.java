package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.strait.core.http.HttpHeaderBlock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bulk head scan ({@link Http1HeadScanner#scan}) against the byte-at-a-time reference
 * ({@link Http1HeadStates#scanBytewise}): same result, reason, offsets and header semantics for valid heads,
 * mutated heads, every fragmentation, tight limits and heap, direct, pooled and composite buffers.
 */
class Http1HeadScannerTest {

    private static final String[] REQUESTS = {
        "GET / HTTP/1.1\r\nHost: 127.0.0.1:28081\r\n\r\n",
        "GET /static/app/main.3f9a1c.js?v=20240611 HTTP/1.1\r\nHost: www.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\nCookie: a=1; b=2\r\nConnection: keep-alive, X-Foo\r\n"
            + "X-Foo: bar\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        "\r\nPOST /upload HTTP/1.0\r\nHost: a\r\nX-Pad:    \t spaced value \t  \r\nX-Empty:\r\n"
            + "X-Tabs:\tv\tw\t\r\nExpect: 100-continue\r\nTE: trailers\r\n\r\n",
        "OPTIONS * HTTP/1.0\r\nA:b\r\nB: \r\n\r\n",
    };

    private static final String[] RESPONSES = {
        "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Wed, 25 Nov 2026 13:55:10 GMT\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 1024\r\nConnection: keep-alive\r\n\r\n",
        "HTTP/1.0 404 Not\tFound\r\nKeep-Alive: timeout=5\r\nUpgrade: h2c\r\nTrailer: x\r\n\r\n",
        "HTTP/1.0 100 \r\nA:b\r\n\r\n",
        "HTTP/1.1 599 Custom Reason Phrase\r\nB:\r\n\r\n",
        "HTTP/1.1 204\r\nX-Long: abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz        \r\n\r\n",
    };

    /** Bytes the mutations insert: every class the scanner treats differently. */
    private static final byte[] SPECIAL = {'\r', '\n', '\t', ' ', 0, 1, 0x1f, 0x7f, (byte) 0x80, (byte) 0xff,
        ':', ',', 'a', 'Z', '0', '"', '(', '~'};

    @Test
    void validHeadsMatchTheReferenceAtEveryFragmentation() {
        for (final boolean request : new boolean[] {true, false}) {
            for (final String s : request ? REQUESTS : RESPONSES) {
                final byte[] head = s.getBytes(StandardCharsets.ISO_8859_1);
                for (int step = 1; step <= head.length; step++) {
                    final String result = compare(head, request, 8192, 65536, 100, step, step % 4);
                    assertThat(result).startsWith("DONE");
                }
            }
        }
    }

    @Test
    void mutatedHeadsMatchTheReference() {
        final SplittableRandom rnd = new SplittableRandom(42);
        int errors = 0;
        for (int n = 0; n < 4000; n++) {
            final boolean request = rnd.nextBoolean();
            final String[] bases = request ? REQUESTS : RESPONSES;
            byte[] head = bases[rnd.nextInt(bases.length)].getBytes(StandardCharsets.ISO_8859_1);
            final int mutations = 1 + rnd.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                head = mutate(head, rnd);
            }
            final int maxHead = rnd.nextInt(4) == 0 ? 8 + rnd.nextInt(head.length + 8) : 65536;
            final int maxLine = rnd.nextInt(4) == 0 ? 4 + rnd.nextInt(64) : 8192;
            final int maxCount = rnd.nextInt(6) == 0 ? rnd.nextInt(6) : 100;
            final int step = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(20) : head.length;
            final String result = compare(head, request, maxLine, maxHead, maxCount, step, rnd.nextInt(4));
            if (result.startsWith("ERROR")) {
                errors++;
            }
        }
        assertThat(errors).as("the mutations reach the error paths").isGreaterThan(700);
    }

    @Test
    void longValuesWithWhitespaceAndControlsAtEveryOffset() {
        final byte[] fills = {' ', '\t', 'x', 0, 0x7f, (byte) 0x80, '\r', '\n'};
        for (int len = 0; len < 20; len++) {
            for (int at = 0; at <= len; at++) {
                for (final byte fill : fills) {
                    final byte[] value = new byte[len];
                    Arrays.fill(value, (byte) 'v');
                    for (int k = at; k < len; k++) {
                        value[k] = k % 3 == 0 ? fill : (byte) ' ';
                    }
                    final String pre = "GET /" + "p".repeat(len) + " HTTP/1.1\r\nHost: a\r\nX-V: ";
                    final byte[] head = concat(pre.getBytes(StandardCharsets.ISO_8859_1), value,
                        "\r\nX-W: w\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    compare(head, true, 8192, 65536, 100, head.length, len % 4);
                    compare(head, true, 8192, pre.length() + at + 1, 100, head.length, 1);
                }
            }
        }
    }

    @Test
    void targetBytesOutsideVisibleAsciiAreRejectedAtEveryOffset() {
        for (final byte bad : new byte[] {0, 0x1f, 0x7f, (byte) 0x80, (byte) 0xff, '\t'}) {
            for (int at = 0; at < 24; at++) {
                final byte[] target = "/abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.ISO_8859_1);
                target[1 + at] = bad;
                final byte[] head = concat("GET ".getBytes(StandardCharsets.ISO_8859_1), target,
                    " HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(compare(head, true, 8192, 65536, 100, head.length, 2)).isEqualTo("ERROR 400 bad_target");
            }
        }
        final byte[] head = "GET /abcdefghijklmnopqrstuvwxyz HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        for (int maxLine = 4; maxLine < 30; maxLine++) {
            assertThat(compare(head, true, maxLine, 65536, 100, head.length, 0)).isEqualTo("ERROR 414 uri_too_long");
        }
    }

    private static byte[] mutate(final byte[] head, final SplittableRandom rnd) {
        final int at = rnd.nextInt(head.length);
        final byte b = rnd.nextInt(4) == 0 ? (byte) rnd.nextInt(256) : SPECIAL[rnd.nextInt(SPECIAL.length)];
        switch (rnd.nextInt(3)) {
            case 0: {
                final byte[] out = head.clone();
                out[at] = b;
                return out;
            }
            case 1: {
                final byte[] out = new byte[head.length + 1];
                System.arraycopy(head, 0, out, 0, at);
                out[at] = b;
                System.arraycopy(head, at, out, at + 1, head.length - at);
                return out;
            }
            default: {
                final byte[] out = new byte[head.length - 1];
                System.arraycopy(head, 0, out, 0, at);
                System.arraycopy(head, at + 1, out, at, head.length - at - 1);
                return out.length == 0 ? head : out;
            }
        }
    }

    /** Runs both scans over the same input; asserts they agree and returns the outcome. */
    private static String compare(final byte[] head, final boolean request, final int maxLine, final int maxHead,
                                  final int maxCount, final int step, final int kind) {
        final String bulk = run(head, request, maxLine, maxHead, maxCount, step, kind, true);
        final String reference = run(head, request, maxLine, maxHead, maxCount, step, kind, false);
        assertThat(bulk).as("%s step %d", new String(head, StandardCharsets.ISO_8859_1), step).isEqualTo(reference);
        return bulk.substring(0, bulk.indexOf('|'));
    }

    private static String run(final byte[] head, final boolean request, final int maxLine, final int maxHead,
                              final int maxCount, final int step, final int kind, final boolean bulk) {
        final ByteBufAllocator alloc = kind == 2 ? PooledByteBufAllocator.DEFAULT : UnpooledByteBufAllocator.DEFAULT;
        final Http1HeadScanner p = new Http1HeadScanner(request, maxLine, maxHead, maxCount);
        final Http1Input input = new Http1Input();
        final StringBuilder trace = new StringBuilder();
        String outcome = "NEED_MORE";
        try {
            for (int off = 0; off < head.length; off += step) {
                final int n = Math.min(step, head.length - off);
                final ByteBuf in;
                if (kind == 3) { // two components: neither an array nor a memory address
                    final int half = n / 2;
                    in = Unpooled.compositeBuffer().addComponent(true, Unpooled.copiedBuffer(head, off, half))
                        .addComponent(true, Unpooled.directBuffer(n - half).writeBytes(head, off + half, n - half));
                } else {
                    in = (kind == 0 ? Unpooled.buffer(n + 8) : alloc.directBuffer(n + 8)).writeBytes(head, off, n);
                }
                input.cumulate(alloc, in);
                if (request && !p.started()) {
                    final int skipped = p.skipLeadingEmptyLines(input.buffer());
                    if (skipped == Http1HeadStates.ERROR) {
                        outcome = "ERROR " + p.errorStatus() + " " + p.errorReason();
                        break;
                    }
                    if (skipped == Http1HeadStates.NEED_MORE) {
                        continue;
                    }
                }
                final int r = bulk ? p.scan(input.buffer()) : p.scanBytewise(input.buffer());
                trace.append(p.headLength()).append(',');
                if (r == Http1HeadStates.ERROR) {
                    outcome = "ERROR " + p.errorStatus() + " " + p.errorReason();
                    break;
                }
                if (r == Http1HeadStates.DONE) {
                    outcome = "DONE " + p.headLength() + " " + semantics(p, input.buffer());
                    break;
                }
            }
            return outcome + "|" + trace + " m" + p.methodEnd() + " t" + p.targetStart() + "-" + p.targetEnd()
                + " v" + p.version() + " s" + p.status() + " r" + p.reasonStart() + "-" + p.reasonEnd();
        } finally {
            input.release();
        }
    }

    private static String semantics(final Http1HeadScanner s, final ByteBuf cum) {
        final Http1HeaderSemantics p = new Http1HeaderSemantics();
        final ByteBuf raw = cum.retainedSlice(cum.readerIndex(), s.headLength());
        try {
            final HttpHeaderBlock h = new HttpHeaderBlock();
            h.reset(raw);
            final boolean ok = p.addHeaders(s, h, raw);
            final StringBuilder sb = new StringBuilder(ok ? "ok" : "bad " + p.errorReason());
            for (int i = 0; i < h.size(); i++) {
                sb.append(' ').append(h.nameStart(i)).append(':').append(h.nameEnd(i)).append('=')
                    .append(h.valueStart(i)).append('-').append(h.valueEnd(i)).append(h.isDead(i) ? "x" : "");
            }
            return sb.append(" cl").append(p.contentLength()).append(p.chunked() ? " chunked" : "")
                .append(p.badTransferEncoding() ? " badTe" : "").append(p.connectionClose() ? " close" : "")
                .append(p.connectionKeepAlive() ? " ka" : "").append(p.expectContinue() ? " 100" : "")
                .append(p.badExpect() ? " badExpect" : "").append(" hosts").append(p.hostCount())
                .append('@').append(p.hostIndex()).toString();
        } finally {
            raw.release();
        }
    }

    private static byte[] concat(final byte[]... parts) {
        int n = 0;
        for (final byte[] part : parts) {
            n += part.length;
        }
        final byte[] out = new byte[n];
        int at = 0;
        for (final byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
