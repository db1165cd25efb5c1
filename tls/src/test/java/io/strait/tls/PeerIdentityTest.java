package io.strait.tls;

import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PeerIdentityTest {

    private static final Issued CA = TestCertificates.ca("id-ca");

    @Test
    void spiffeIdWinsOverOtherUrisAndDns() {
        final PeerIdentity id = PeerIdentity.of(CA.client("svc", List.of("https://example.test/x",
            "spiffe://strait.test/ns/default/sa/api"), List.of("svc.test")).certificate());
        assertThat(id.kind()).isEqualTo(PeerIdentity.Kind.SPIFFE);
        assertThat(id.id()).isEqualTo("spiffe://strait.test/ns/default/sa/api");
        assertThat(id.spiffeId()).isEqualTo(id.id());
        assertThat(id.subject()).isEqualTo("O=Strait Test,CN=svc");
    }

    @Test
    void thenTheFirstUriThenDnsThenTheSubject() {
        final PeerIdentity uri = PeerIdentity.of(CA.client("u", List.of("urn:a", "urn:b"), List.of("u.test"))
            .certificate());
        assertThat(uri.kind()).isEqualTo(PeerIdentity.Kind.URI);
        assertThat(uri.id()).isEqualTo("urn:a");
        assertThat(uri.spiffeId()).isNull();
        final PeerIdentity dns = PeerIdentity.of(CA.client("d", List.of(), List.of("d.test", "e.test"))
            .certificate());
        assertThat(dns.kind()).isEqualTo(PeerIdentity.Kind.DNS);
        assertThat(dns.id()).isEqualTo("d.test");
        final PeerIdentity subject = PeerIdentity.of(CA.serverWithCnOnly(KeyType.EC, "plain").certificate());
        assertThat(subject.kind()).isEqualTo(PeerIdentity.Kind.SUBJECT);
        assertThat(subject.id()).isEqualTo("O=Strait Test,CN=plain");
    }

    @Test
    void everySanTheFingerprintAndTheServersUrisAreKept() throws Exception {
        final Issued client = CA.client("c", List.of("spiffe://t/ns/a/sa/b", "urn:x"), List.of("c.test", "d.test"));
        final Issued server = CA.client("s", List.of("spiffe://t/ns/a/sa/server"), List.of("s.test"));
        final PeerIdentity id = PeerIdentity.of(client.certificate(), server.certificate());
        assertThat(id.uris()).containsExactly("spiffe://t/ns/a/sa/b", "urn:x");
        assertThat(id.dnsNames()).containsExactly("c.test", "d.test");
        assertThat(id.localUris()).containsExactly("spiffe://t/ns/a/sa/server");
        assertThat(id.sha256()).hasSize(64).isEqualTo(HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(client.certificate().getEncoded())));
    }
}
