package io.strait.load;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Immutable: a self-signed EC P-256 certificate for {@code localhost} and {@code 127.0.0.1} (BouncyCastle), and the
 * TLS test servers' contexts made from it.
 *
 * @param keys the key pair
 * @param cert the certificate
 */
record TestCerts(KeyPair keys, X509Certificate cert) {

    /** Makes a new key pair and a one-day certificate. */
    static TestCerts create() throws Exception {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        final KeyPair keys = generator.generateKeyPair();
        final X500Name name = new X500Name("CN=localhost");
        final long now = System.currentTimeMillis();
        final X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now),
            new Date(now - 60_000), new Date(now + 86_400_000), name, keys.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        final X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        return new TestCerts(keys, cert);
    }

    /**
     * A server context: BoringSSL when it loads, TLS 1.3 and 1.2, ALPN {@code http/1.1}, session tickets on
     * (Netty's OpenSSL contexts issue none until ticket keys are set), and, with {@code requireClientCert}, a client
     * certificate required (signed by this certificate, which no client of the tests has).
     */
    SslContext serverContext(final boolean requireClientCert) throws Exception {
        final SslContextBuilder b = SslContextBuilder.forServer(keys.getPrivate(), cert)
            .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK)
            .protocols(List.of("TLSv1.3", "TLSv1.2"))
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "http/1.1"));
        if (requireClientCert) {
            b.clientAuth(ClientAuth.REQUIRE).trustManager(cert);
        }
        final SslContext ctx = b.build();
        if (ctx.sessionContext() instanceof OpenSslSessionContext s) {
            final SecureRandom random = new SecureRandom();
            final byte[][] parts = new byte[3][16];
            for (final byte[] p : parts) {
                random.nextBytes(p);
            }
            s.setTicketKeys(new OpenSslSessionTicketKey(parts[0], parts[1], parts[2]));
        }
        return ctx;
    }

    /** Writes the certificate as PEM (a CA file for the client). */
    Path writePem(final Path file) throws IOException, java.security.cert.CertificateEncodingException {
        final String pem = "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
            + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
