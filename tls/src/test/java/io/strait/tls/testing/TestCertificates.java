package io.strait.tls.testing;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.jcajce.JcaBasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.operator.OperatorException;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.net.Socket;
import java.security.Principal;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Thread-safe (immutable issued objects). A test PKI made with BouncyCastle: a CA, server certificates with DNS
 * SANs (RSA or EC), client certificates with a SPIFFE URI SAN, written as PEM files in the formats Strait reads
 * (PKCS#8, PKCS#1 RSA, SEC1 EC), and JDK {@link SSLContext}s for test clients.
 *
 * <pre>
 *   TestCertificates.Issued ca = TestCertificates.ca("test-ca");
 *   TestCertificates.Issued server = ca.server(KeyType.RSA, "a.test", "*.wild.test");
 *   server.writeChain(dir.resolve("a.pem"));  server.writeKey(dir.resolve("a.key"), KeyFormat.PKCS8);
 *   SSLContext client = ca.clientContext(null);   // trusts the CA, no client certificate
 * </pre>
 */
public final class TestCertificates {

    /** Key algorithms. */
    public enum KeyType {
        /** RSA 2048. */
        RSA,
        /** EC P-256. */
        EC
    }

    /** PEM formats of a private key. */
    public enum KeyFormat {
        /** {@code BEGIN PRIVATE KEY}. */
        PKCS8,
        /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY} (PKCS#1 / SEC1). */
        TRADITIONAL
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A new self-signed CA (EC). */
    public static Issued ca(final String name) {
        final KeyPair kp = keyPair(KeyType.EC);
        return new Issued(sign(new X500Name("CN=" + name), kp, new X500Name("CN=" + name), kp.getPrivate(),
            true, List.of(), false), kp.getPrivate(), null);
    }

    /** A certificate, its key and (for issued ones) its issuer. */
    public static final class Issued {
        private final X509Certificate certificate;
        private final PrivateKey key;
        private final Issued issuer;

        Issued(final X509Certificate certificate, final PrivateKey key, final Issued issuer) {
            this.certificate = certificate;
            this.key = key;
            this.issuer = issuer;
        }

        /** The certificate. */
        public X509Certificate certificate() {
            return certificate;
        }

        /** The private key. */
        public PrivateKey key() {
            return key;
        }

        /** A server certificate signed by this CA, with {@code dnsNames} as DNS SANs (CN = the first, if any). */
        public Issued server(final KeyType type, final String... dnsNames) {
            final List<GeneralName> sans = new ArrayList<>();
            for (final String n : dnsNames) {
                sans.add(new GeneralName(GeneralName.dNSName, n));
            }
            return issue(type, dnsNames.length == 0 ? "server" : dnsNames[0], sans, false);
        }

        /**
         * A DER OCSP response, signed by this CA, that says {@code cert} (issued by this CA) is good for the next day:
         * what a responder would give a server to staple.
         */
        public byte[] ocspResponseFor(final Issued cert) {
            try {
                final DigestCalculatorProvider digests =
                    new JcaDigestCalculatorProviderBuilder().build();
                final CertificateID id = new CertificateID(
                    digests.get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(certificate),
                    cert.certificate().getSerialNumber());
                final BasicOCSPRespBuilder b =
                    new JcaBasicOCSPRespBuilder(certificate.getPublicKey(),
                        digests.get(RespID.HASH_SHA1));
                final Date now = new Date();
                b.addResponse(id, CertificateStatus.GOOD, now,
                    new Date(now.getTime() + Duration.ofDays(1).toMillis()), null);
                final String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
                final BasicOCSPResp basic =
                    b.build(new JcaContentSignerBuilder(alg).build(key), null, now);
                return new OCSPRespBuilder()
                    .build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
            } catch (final IOException | GeneralSecurityException | OperatorException
                           | OCSPException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A server certificate signed by this CA, with {@code dnsNames} as DNS SANs, that expired a day ago. */
        public Issued expiredServer(final String... dnsNames) {
            final List<GeneralName> sans = new ArrayList<>();
            for (final String n : dnsNames) {
                sans.add(new GeneralName(GeneralName.dNSName, n));
            }
            final KeyPair kp = keyPair(KeyType.EC);
            final Instant now = Instant.now();
            return new Issued(sign(new X500Name("CN=expired,O=Strait Test"), kp,
                new X500Name(certificate.getSubjectX500Principal().getName()), key, false, sans, false,
                now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))), kp.getPrivate(), this);
        }

        /** An intermediate CA signed by this CA. */
        public Issued intermediate(final String name) {
            final KeyPair kp = keyPair(KeyType.EC);
            return new Issued(sign(new X500Name("CN=" + name), kp,
                new X500Name(certificate.getSubjectX500Principal().getName()), key, true, List.of(), false),
                kp.getPrivate(), this);
        }

        /** A server certificate with no SAN at all, only {@code CN=cn}. */
        public Issued serverWithCnOnly(final KeyType type, final String cn) {
            return issue(type, cn, List.of(), false);
        }

        /** A client certificate signed by this CA with {@code uris} as URI SANs and {@code dns} as DNS SANs. */
        public Issued client(final String cn, final List<String> uris, final List<String> dns) {
            return issue(KeyType.EC, cn, sans(uris, dns), true);
        }

        /**
         * A mesh workload's certificate (as a SPIFFE X.509-SVID): usable as both server and client certificate, with
         * {@code uris} and {@code dns} as SANs.
         */
        public Issued workload(final String cn, final List<String> uris, final List<String> dns) {
            return issue(KeyType.EC, cn, sans(uris, dns), null);
        }

        private static List<GeneralName> sans(final List<String> uris, final List<String> dns) {
            final List<GeneralName> sans = new ArrayList<>();
            for (final String u : uris) {
                sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, u));
            }
            for (final String d : dns) {
                sans.add(new GeneralName(GeneralName.dNSName, d));
            }
            return sans;
        }

        /** {@code client}: true for a client certificate, false for a server's, null for a workload's (both). */
        private Issued issue(final KeyType type, final String cn, final List<GeneralName> sans, final Boolean client) {
            final KeyPair kp = keyPair(type);
            return new Issued(sign(new X500Name("CN=" + cn + ",O=Strait Test"), kp,
                new X500Name(certificate.getSubjectX500Principal().getName()), key, false, sans, client),
                kp.getPrivate(), this);
        }

        /** Writes this certificate and its issuers (not the self-signed root) as one PEM chain. */
        public Path writeChain(final Path file) {
            final StringBuilder sb = new StringBuilder(pem(certificate));
            for (Issued i = issuer; i != null && i.issuer != null; i = i.issuer) {
                sb.append(pem(i.certificate));
            }
            return write(file, sb.toString());
        }

        /** Writes only this certificate as PEM (a CA bundle for the root). */
        public Path writeCertificate(final Path file) {
            return write(file, pem(certificate));
        }

        /** Writes the private key as PEM in {@code format}. */
        public Path writeKey(final Path file, final KeyFormat format) {
            final StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                if (format == KeyFormat.PKCS8) {
                    w.writeObject(new JcaPKCS8Generator(key, null));
                } else if (key.getAlgorithm().equals("EC")) {
                    // As openssl writes it: SEC1 with the curve in [0] (BouncyCastle's own conversion leaves it out).
                    final PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
                    final org.bouncycastle.asn1.sec.ECPrivateKey inner =
                        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                    w.writeObject(new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                        inner.getKey(), info.getPrivateKeyAlgorithm().getParameters()).getEncoded()));
                } else {
                    w.writeObject(key);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
            return write(file, out.toString());
        }

        /**
         * A JDK client context trusting this certificate (a CA) and presenting {@code clientCert} (null: none).
         */
        public SSLContext clientContext(final Issued clientCert) {
            try {
                final KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                trust.setCertificateEntry("ca", certificate);
                final TrustManagerFactory tmf = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
                KeyManagerFactory kmf = null;
                if (clientCert != null) {
                    final KeyStore keys = KeyStore.getInstance("PKCS12");
                    keys.load(null, null);
                    keys.setKeyEntry("client", clientCert.key, new char[0],
                        new X509Certificate[] {clientCert.certificate});
                    kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(keys, new char[0]);
                }
                final SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf == null ? null : new KeyManager[] {new AlwaysPresent(
                    (X509ExtendedKeyManager) kmf.getKeyManagers()[0])}, tmf.getTrustManagers(), RANDOM);
                return ctx;
            } catch (final GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Presents the client certificate whatever CAs the server names (the JDK's own key manager would send nothing
     * to a server whose CA list does not include the issuer, which hides verification failures from tests).
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;

        AlwaysPresent(final X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getClientAliases(final String keyType, final Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String chooseClientAlias(final String[] keyType, final Principal[] issuers, final Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(final String[] keyType, final Principal[] issuers,
                                              final SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(final String keyType, final Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(final String keyType, final Principal[] issuers, final Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(final String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(final String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    private static Path write(final Path file, final String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.US_ASCII);
            return file;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PEM text of a certificate. */
    public static String pem(final X509Certificate cert) {
        final StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(cert);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A fresh key pair. */
    public static KeyPair keyPair(final KeyType type) {
        try {
            if (type == KeyType.RSA) {
                final KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048, RANDOM);
                return g.generateKeyPair();
            }
            final KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (final GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(final X500Name subject, final KeyPair subjectKeys, final X500Name issuer,
                                        final PrivateKey issuerKey, final boolean ca, final List<GeneralName> sans,
                                        final Boolean client) {
        final Instant now = Instant.now();
        return sign(subject, subjectKeys, issuer, issuerKey, ca, sans, client, now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)));
    }

    private static X509Certificate sign(final X500Name subject, final KeyPair subjectKeys, final X500Name issuer,
                                        final PrivateKey issuerKey, final boolean ca, final List<GeneralName> sans,
                                        final Boolean client, final Instant notBefore, final Instant notAfter) {
        try {
            final X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                subjectKeys.getPublic());
            final JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.subjectKeyIdentifier, false,
                ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(client == null
                    ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                    : new KeyPurposeId[] {client ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth}));
            }
            if (!sans.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(new GeneralName[0])));
            }
            final String alg = issuerKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            final ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(b.build(signer));
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
