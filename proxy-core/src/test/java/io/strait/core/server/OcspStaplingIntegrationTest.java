package io.strait.core.server;

import io.strait.core.testing.ProxyExtension;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * End to end: a certificate with {@code ocsp_staple} staples that OCSP response to the handshake of a client that
 * asks for one (openssl s_client -status), per certificate: the SNI name that picks another certificate gets none.
 */
class OcspStaplingIntegrationTest {

    private static final Issued CA = TestCertificates.ca("ocsp-it-ca");
    private static final Issued STAPLED = CA.server(KeyType.EC, "stapled.test");
    private static final Issued PLAIN = CA.server(KeyType.EC, "plain.test");

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: tls
            address: 127.0.0.1:0
            tls:
              certificates:
                - { cert: ${file:s.pem}, key: ${file:s.key}, ocsp_staple: ${file:s.ocsp} }
                - { cert: ${file:p.pem}, key: ${file:p.key} }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters: [ { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] } ]
        """).upstreams("up")
        .file("s.pem", STAPLED::writeChain)
        .file("s.key", p -> STAPLED.writeKey(p, KeyFormat.PKCS8))
        .file("s.ocsp", p -> Files.write(p, CA.ocspResponseFor(STAPLED)))
        .file("p.pem", PLAIN::writeChain)
        .file("p.key", p -> PLAIN.writeKey(p, KeyFormat.PKCS8));

    @Test
    void theStapledCertificatesHandshakeCarriesItsOcspResponse() throws Exception {
        assumeTrue(sClient("-help").contains("-status"), "openssl s_client with -status is not installed");
        final String stapled = sClient("-connect", "127.0.0.1:" + PROXY.port("tls"), "-servername", "stapled.test",
            "-status");
        assertThat(stapled).contains("OCSP Response Status: successful (0x0)").contains("Cert Status: good");

        final String plain = sClient("-connect", "127.0.0.1:" + PROXY.port("tls"), "-servername", "plain.test",
            "-status");
        assertThat(plain).contains("subject=CN = plain.test").contains("OCSP response: no response sent");
    }

    /** Runs openssl s_client with empty input (it closes after the handshake), bounded in time. */
    private static String sClient(final String... args) throws IOException, InterruptedException {
        final String[] cmd = new String[args.length + 2];
        cmd[0] = "openssl";
        cmd[1] = "s_client";
        System.arraycopy(args, 0, cmd, 2, args.length);
        final Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (final IOException e) {
            return "";
        }
        p.getOutputStream().close();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
