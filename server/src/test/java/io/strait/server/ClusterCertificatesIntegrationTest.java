package io.strait.server;

import io.strait.admin.CertificateInfo;
import io.strait.core.testing.ProxyExtension;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin certificate listing of a running proxy shows a cluster's client certificate and CA bundle. */
class ClusterCertificatesIntegrationTest {

    private static final Issued CA = TestCertificates.ca("admin-certs-ca");
    private static final Issued ME = CA.workload("frontend", List.of("spiffe://example.org/ns/demo/sa/frontend"),
        List.of());

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: nio }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: backend } ] } ]
        clusters:
          - name: backend
            endpoints: [ { address: 127.0.0.1:${port:backend} } ]
            tls:
              ca_file: ${file:ca.pem}
              certificate_file: ${file:me.pem}
              private_key_file: ${file:me.key}
        """)
        .file("ca.pem", CA::writeCertificate)
        .file("me.pem", ME::writeChain)
        .file("me.key", p -> ME.writeKey(p, KeyFormat.PKCS8));

    @Test
    void clusterClientCertificateAndCaBundleAreListed() {
        final List<CertificateInfo> certs = new ProxyAdminTarget(PROXY.server(), null, () -> { }).certificates();
        assertThat(certs).hasSize(2);
        final CertificateInfo client = certs.get(0);
        assertThat(client.cluster()).isEqualTo("backend");
        assertThat(client.kind()).isEqualTo(CertificateInfo.CLIENT);
        assertThat(client.listener()).isNull();
        assertThat(client.path()).isEqualTo(PROXY.file("me.pem").toString());
        assertThat(client.subjectAltNames()).containsExactly("spiffe://example.org/ns/demo/sa/frontend");
        assertThat(client.notAfter()).isEqualTo(ME.certificate().getNotAfter().toInstant());
        final CertificateInfo ca = certs.get(1);
        assertThat(ca.kind()).isEqualTo(CertificateInfo.CA);
        assertThat(ca.subject()).isEqualTo("CN=admin-certs-ca");
    }
}
