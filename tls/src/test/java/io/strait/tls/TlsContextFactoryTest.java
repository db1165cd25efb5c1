package io.strait.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsContextFactoryTest {

    private static final Issued CA = TestCertificates.ca("factory-ca");

    @TempDir
    Path dir;

    private static TlsServerOptions options(final List<CertificateFiles> certs, final Path ca, final boolean require,
                                            final List<String> ciphers) {
        return new TlsServerOptions(certs, ca, require, TlsServerOptions.TLS_1_2, ciphers, List.of("http/1.1"),
            Duration.ofSeconds(5));
    }

    @Test
    void boringSslIsTheActiveProvider() throws Exception {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative BoringSSL loads: %s", OpenSsl.unavailabilityCause())
            .isTrue();
        assertThat(OpenSsl.versionString()).contains("BoringSSL");
        assertThat(TlsContextFactory.provider()).isEqualTo(SslProvider.OPENSSL_REFCNT);
        final CertificateFiles f = TlsFixture.files(dir, "a", CA.server(KeyType.EC, "a.test"), KeyFormat.PKCS8);
        try (SniCertificateMapper m = TlsContextFactory.build(TlsServerOptions.of(f))) {
            final SslContext ctx = m.defaultContext();
            assertThat(ctx).isInstanceOf(ReferenceCountedOpenSslContext.class);
            assertThat(ctx.isServer()).isTrue();
            assertThat(((ReferenceCountedOpenSslContext) ctx).refCnt()).isEqualTo(1);
            assertThat(ctx.applicationProtocolNegotiator().protocols()).containsExactly("http/1.1");
        }
    }

    @Test
    void closingTheMapperReleasesTheNativeContexts() throws Exception {
        final CertificateFiles f = TlsFixture.files(dir, "a", CA.server(KeyType.RSA, "a.test"), KeyFormat.PKCS8);
        final SniCertificateMapper m = TlsContextFactory.build(TlsServerOptions.of(f));
        final ReferenceCountedOpenSslContext ctx = (ReferenceCountedOpenSslContext) m.defaultContext();
        m.close();
        assertThat(ctx.refCnt()).isZero();
        m.close(); // idempotent
    }

    @Test
    void readsEveryKeyFormatAndServesAHandshakeWithIt() throws Exception {
        int i = 0;
        for (final KeyType type : KeyType.values()) {
            for (final KeyFormat format : KeyFormat.values()) {
                final Issued server = CA.server(type, "k" + i + ".test");
                final CertificateFiles f = TlsFixture.files(dir, "k" + i, server, format);
                final String header = Files.readString(f.key()).lines().findFirst().orElseThrow();
                assertThat(header).isEqualTo(format == KeyFormat.PKCS8 ? "-----BEGIN PRIVATE KEY-----"
                    : "-----BEGIN " + type + " PRIVATE KEY-----");
                try (SniCertificateMapper m = TlsContextFactory.build(TlsServerOptions.of(f));
                     TlsTestServer s = new TlsTestServer(new io.strait.tls.handler.SniHandlerFactory(m, 5000))) {
                    final TlsFixture.Seen seen = TlsFixture.call(CA.clientContext(null), s.port(), "k" + i + ".test");
                    assertThat(seen.serverLeaf()).isEqualTo(server.certificate());
                    assertThat(seen.answer()).isEqualTo("none");
                }
                i++;
            }
        }
    }

    @Test
    void aChainFileIsServedWhole() throws Exception {
        final Issued intermediate = CA.intermediate("intermediate");
        final CertificateFiles f = TlsFixture.files(dir, "chain", intermediate.server(KeyType.EC, "c.test"),
            KeyFormat.PKCS8);
        assertThat(Files.readString(f.cert())).contains(TestCertificates.pem(intermediate.certificate()));
        try (SniCertificateMapper m = TlsContextFactory.build(TlsServerOptions.of(f));
             TlsTestServer s = new TlsTestServer(new io.strait.tls.handler.SniHandlerFactory(m, 5000))) {
            final TlsFixture.Seen seen = TlsFixture.call(CA.clientContext(null), s.port(), "c.test");
            assertThat(seen.socket().getSession().getPeerCertificates()).hasSize(2);
        }
    }

    @Test
    void fileErrorsNameTheField() throws Exception {
        final CertificateFiles good = TlsFixture.files(dir, "g", CA.server(KeyType.EC, "g.test"), KeyFormat.PKCS8);
        final Path missing = dir.resolve("missing.pem");
        final Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
        assertError(options(List.of(good, new CertificateFiles(missing, good.key())), null, false, List.of()),
            "certificates[1].cert", "cannot read " + missing + ": no such file");
        assertError(options(List.of(new CertificateFiles(text, good.key())), null, false, List.of()),
            "certificates[0].cert", "is not a PEM file");
        assertError(options(List.of(new CertificateFiles(good.key(), good.key())), null, false, List.of()),
            "certificates[0].cert", "holds no PEM certificate");
        assertError(options(List.of(new CertificateFiles(good.cert(), good.cert())), null, false, List.of()),
            "certificates[0].key", "holds no PEM private key");
        assertError(options(List.of(good), missing, false, List.of()), "client_ca", "no such file");
        assertError(options(List.of(), null, false, List.of()), "certificates", "at least one certificate");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        final CertificateFiles a = TlsFixture.files(dir, "a", CA.server(KeyType.EC, "a.test"), KeyFormat.PKCS8);
        final CertificateFiles b = TlsFixture.files(dir, "b", CA.server(KeyType.EC, "b.test"), KeyFormat.PKCS8);
        final CertificateFiles r = TlsFixture.files(dir, "r", CA.server(KeyType.RSA, "r.test"), KeyFormat.PKCS8);
        assertError(options(List.of(new CertificateFiles(a.cert(), b.key())), null, false, List.of()),
            "certificates[0].key", "is not the private key of the first certificate in " + a.cert());
        assertError(options(List.of(new CertificateFiles(a.cert(), r.key())), null, false, List.of()),
            "certificates[0].key", "is not the private key");
    }

    @Test
    void requireClientCertNeedsAClientCa() {
        final CertificateFiles a = TlsFixture.files(dir, "a", CA.server(KeyType.EC, "a.test"), KeyFormat.PKCS8);
        assertError(options(List.of(a), null, true, List.of()), "require_client_cert", "needs client_ca");
    }

    @Test
    void unknownCipherSuitesAreRefusedKnownOnesKeepTls13() throws Exception {
        final CertificateFiles a = TlsFixture.files(dir, "a", CA.server(KeyType.EC, "a.test"), KeyFormat.PKCS8);
        assertError(options(List.of(a), null, false, List.of("ECDHE-ECDSA-AES128-GCM-SHA256", "NOPE-NULL-MD5")),
            "cipher_suites[1]", "unknown cipher suite 'NOPE-NULL-MD5'");
        try (SniCertificateMapper m = TlsContextFactory.build(
                 options(List.of(a), null, false, List.of("ECDHE-ECDSA-AES256-GCM-SHA384")));
             TlsTestServer s = new TlsTestServer(new io.strait.tls.handler.SniHandlerFactory(m, 5000))) {
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "a.test").protocol()).isEqualTo("TLSv1.3");
            final TlsFixture.Seen tls12 = TlsFixture.call(CA.clientContext(null), s.port(), "a.test", "TLSv1.2");
            assertThat(tls12.protocol()).isEqualTo("TLSv1.2");
            assertThat(tls12.socket().getSession().getCipherSuite())
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        }
    }

    @Test
    void minVersionTls13RefusesTls12Clients() throws Exception {
        final CertificateFiles a = TlsFixture.files(dir, "a", CA.server(KeyType.EC, "a.test"), KeyFormat.PKCS8);
        final TlsServerOptions o = new TlsServerOptions(List.of(a), null, false, TlsServerOptions.TLS_1_3, List.of(),
            List.of("http/1.1"), Duration.ofSeconds(5));
        try (SniCertificateMapper m = TlsContextFactory.build(o);
             TlsTestServer s = new TlsTestServer(new io.strait.tls.handler.SniHandlerFactory(m, 5000))) {
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "a.test").protocol()).isEqualTo("TLSv1.3");
            assertThatThrownBy(() -> TlsFixture.call(CA.clientContext(null), s.port(), "a.test", "TLSv1.2"))
                .isInstanceOf(java.io.IOException.class);
        }
    }

    private static void assertError(final TlsServerOptions options, final String field, final String message) {
        assertThatThrownBy(() -> TlsContextFactory.build(options).close())
            .isInstanceOfSatisfying(TlsConfigException.class, e -> {
                assertThat(e.field()).isEqualTo(field);
                assertThat(e.getMessage()).contains(message);
            });
    }
}
