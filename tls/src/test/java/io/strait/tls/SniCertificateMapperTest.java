package io.strait.tls;

import io.netty.handler.ssl.SslContext;
import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SniCertificateMapperTest {

    private static final Issued CA = TestCertificates.ca("sni-ca");
    private static final Issued DEFAULT = CA.server(KeyType.RSA, "default.test");
    private static final Issued WILD = CA.server(KeyType.EC, "*.example.test", "wild-only.test");
    private static final Issued EXACT = CA.server(KeyType.EC, "api.example.test");
    private static final Issued CN_ONLY = CA.serverWithCnOnly(KeyType.EC, "cn-only.test");

    @TempDir
    Path dir;
    private SniCertificateMapper mapper;

    @BeforeEach
    void build() throws Exception {
        mapper = TlsContextFactory.build(new TlsServerOptions(List.of(
            TlsFixture.files(dir, "default", DEFAULT, KeyFormat.PKCS8),
            TlsFixture.files(dir, "wild", WILD, KeyFormat.PKCS8),
            TlsFixture.files(dir, "exact", EXACT, KeyFormat.TRADITIONAL),
            TlsFixture.files(dir, "cn", CN_ONLY, KeyFormat.PKCS8)), null, false, TlsServerOptions.TLS_1_2,
            List.of(), List.of("http/1.1"), Duration.ofSeconds(5)));
    }

    @AfterEach
    void close() {
        mapper.close();
    }

    private SslContext ctx(final int i) {
        return mapper.contexts().get(i);
    }

    @Test
    void namesComeFromDnsSansElseTheCn() {
        assertThat(SniCertificateMapper.names(WILD.certificate())).containsExactly("*.example.test",
            "wild-only.test");
        assertThat(SniCertificateMapper.names(CN_ONLY.certificate())).containsExactly("cn-only.test");
    }

    @Test
    void exactBeatsWildcardAndUnknownGetsTheDefault() {
        assertThat(mapper.map("api.example.test")).isSameAs(ctx(2));
        assertThat(mapper.map("API.Example.Test.")).isSameAs(ctx(2));
        assertThat(mapper.map("www.example.test")).isSameAs(ctx(1));
        assertThat(mapper.map("wild-only.test")).isSameAs(ctx(1));
        assertThat(mapper.map("cn-only.test")).isSameAs(ctx(3));
        assertThat(mapper.map("default.test")).isSameAs(ctx(0));
        // A wildcard covers exactly one label.
        assertThat(mapper.map("example.test")).isSameAs(ctx(0));
        assertThat(mapper.map("a.b.example.test")).isSameAs(ctx(0));
        assertThat(mapper.map("unknown.test")).isSameAs(ctx(0));
        assertThat(mapper.map(null)).isSameAs(ctx(0));
        assertThat(mapper.defaultContext()).isSameAs(ctx(0));
    }

    @Test
    void aClientSeesTheCertificateItsSniNames() throws Exception {
        try (TlsTestServer s = new TlsTestServer(new SniHandlerFactory(mapper, 5000))) {
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "api.example.test").serverLeaf())
                .isEqualTo(EXACT.certificate());
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "foo.example.test").serverLeaf())
                .isEqualTo(WILD.certificate());
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "cn-only.test").serverLeaf())
                .isEqualTo(CN_ONLY.certificate());
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), "nobody.test").serverLeaf())
                .isEqualTo(DEFAULT.certificate());
            assertThat(TlsFixture.call(CA.clientContext(null), s.port(), null).serverLeaf())
                .isEqualTo(DEFAULT.certificate());
            assertThat(s.handshakes.get()).isEqualTo(5);
            assertThat(s.connectionErrors.get()).isZero();
        }
    }
}
