package io.strait.core.exchange;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The X-Forwarded-For entry parser against the JDK's reading of the same literals. */
class IpLiteralTest {

    private static byte[] parse(final String text) {
        final byte[] src = ("<" + text + ">").getBytes(StandardCharsets.ISO_8859_1);
        final byte[] out = new byte[IpLiteral.MAX_BYTES];
        final int n = IpLiteral.parse(src, 1, src.length - 1, out);
        return n == 0 ? null : Arrays.copyOf(out, n);
    }

    @Test
    void validAddressesGiveTheJdksBytes() throws Exception {
        for (final String ip : new String[] {"0.0.0.0", "1.2.3.4", "255.255.255.255", "203.0.113.10", "::", "::1",
            "1::", "2001:db8::7", "2001:DB8:0:0:8:800:200C:417A", "fe80::1:2", "1:2:3:4:5:6:7:8", "1::8",
            "1:2:3:4:5:6::8", "::2:3:4:5:6:7:8", "64:ff9b::192.0.2.33", "::ffff:198.51.100.4", "::1.2.3.4",
            "0000:0000:0000:0000:0000:ffff:255.255.255.255", "1:2:3:4:5:6:7::", "1::3:4:5:6:7:8"}) {
            assertThat(parse(ip)).as(ip).isEqualTo(InetAddress.getByName(ip).getAddress());
        }
    }

    @Test
    void anythingElseIsRefused() {
        for (final String bad : new String[] {"", " ", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4:80",
            "[::1]", "::1%eth0", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1", "1:", "1:::2", "12345::",
            "g::1", "1.2.3.-4", "1:2:3:4:5:6:7:1.2.3.4", "1::2:3:4:5:6:7:8", "::1.2.3", "unknown", "1.2.3.4 ",
            "0000:0000:0000:0000:0000:ffff:255.255.255.2550"}) {
            assertThat(parse(bad)).as("'%s'", bad).isNull();
        }
    }
}
