package io.strait.tls;

import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OcspStapleTest {

    private static final Issued CA = TestCertificates.ca("ocsp-ca");

    @TempDir
    Path dir;

    @Test
    void aResponderResponseIsRead() throws Exception {
        final byte[] der = CA.ocspResponseFor(CA.server(KeyType.RSA, "a.test"));
        final Path f = Files.write(dir.resolve("a.ocsp"), der);
        assertThat(OcspStaple.read(f, "certificates[0].ocsp_staple")).isEqualTo(der);
    }

    @Test
    void whatIsNotASuccessfulResponseIsRefusedNamingTheField() throws Exception {
        // OCSPResponse { responseStatus tryLater(3) }: an error response has no responseBytes.
        final Path tryLater = Files.write(dir.resolve("later.ocsp"), new byte[] {0x30, 0x03, 0x0a, 0x01, 0x03});
        final Path pem = Files.writeString(dir.resolve("pem.ocsp"), "-----BEGIN OCSP RESPONSE-----\nMA==\n",
            StandardCharsets.US_ASCII);
        final Path empty = Files.write(dir.resolve("empty.ocsp"), new byte[0]);
        for (final Path f : new Path[] {tryLater, pem, empty}) {
            assertThatThrownBy(() -> OcspStaple.read(f, "certificates[1].ocsp_staple"))
                .isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("not a DER-encoded successful OCSP response")
                .satisfies(e -> assertThat(((TlsConfigException) e).field()).isEqualTo("certificates[1].ocsp_staple"));
        }
        assertThatThrownBy(() -> OcspStaple.read(dir.resolve("missing"), "x")).hasMessageContaining("cannot read");
    }
}
