package io.strait.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stateless. Reads PEM certificate chains and private keys with the JDK alone: PKCS#8 keys as they are, PKCS#1 RSA
 * and SEC1 EC keys wrapped into PKCS#8 (a few bytes of DER), and checks that a key belongs to a certificate by
 * signing with the one and verifying with the other. Every failure is a {@link TlsConfigException} naming the field.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);

    /** DER of the AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
        0x01};
    private static final byte[] PKCS8_VERSION = {0x02, 0x01, 0x00};

    private PemFiles() {
    }

    /** One PEM block: its label and its decoded bytes. */
    private record Block(String label, byte[] der) {
    }

    /** The certificates of a PEM file, in file order; at least one. */
    static X509Certificate[] certificates(final Path file, final String field) throws TlsConfigException {
        final List<Block> blocks = blocks(file, field);
        final List<X509Certificate> out = new ArrayList<>();
        final CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (final CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        for (final Block b : blocks) {
            if (!b.label().equals("CERTIFICATE") && !b.label().equals("TRUSTED CERTIFICATE")) {
                continue;
            }
            try {
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (final CertificateException e) {
                throw new TlsConfigException(field, file + ": certificate " + (out.size() + 1)
                    + " cannot be parsed: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(field, file + " holds no PEM certificate (expected '-----BEGIN "
                + "CERTIFICATE-----')");
        }
        return out.toArray(new X509Certificate[0]);
    }

    /** The one private key of a PEM file. */
    static PrivateKey privateKey(final Path file, final String field) throws TlsConfigException {
        PrivateKey key = null;
        for (final Block b : blocks(file, field)) {
            final byte[] pkcs8;
            switch (b.label()) {
                case "PRIVATE KEY":
                    pkcs8 = b.der();
                    break;
                case "RSA PRIVATE KEY":
                    pkcs8 = sequence(PKCS8_VERSION, RSA_ALGORITHM, tlv(0x04, b.der()));
                    break;
                case "EC PRIVATE KEY":
                    pkcs8 = sequence(PKCS8_VERSION, sequence(EC_PUBLIC_KEY_OID, sec1Curve(b.der(), file, field)),
                        tlv(0x04, b.der()));
                    break;
                case "ENCRYPTED PRIVATE KEY":
                    throw new TlsConfigException(field, file + " holds an encrypted key, which is not supported "
                        + "(decrypt it: openssl pkcs8 -in enc.key -out plain.key)");
                default:
                    continue;
            }
            if (key != null) {
                throw new TlsConfigException(field, file + " holds more than one private key");
            }
            key = decode(pkcs8, file, field);
        }
        if (key == null) {
            throw new TlsConfigException(field, file + " holds no PEM private key (expected '-----BEGIN PRIVATE "
                + "KEY-----', 'RSA PRIVATE KEY' or 'EC PRIVATE KEY')");
        }
        return key;
    }

    /** True if {@code key} is the private half of {@code publicKey}: a signature made with it verifies. */
    static boolean matches(final PrivateKey key, final PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        final String algorithm;
        switch (key.getAlgorithm()) {
            case "RSA":
                algorithm = "SHA256withRSA";
                break;
            case "EC":
                algorithm = "SHA256withECDSA";
                break;
            default:
                algorithm = key.getAlgorithm();
                break;
        }
        try {
            final byte[] data = new byte[32];
            new SecureRandom().nextBytes(data);
            final Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            final byte[] signature = signer.sign();
            final Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (final GeneralSecurityException e) {
            return false;
        }
    }

    private static PrivateKey decode(final byte[] pkcs8, final Path file, final String field)
        throws TlsConfigException {
        for (final String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (final GeneralSecurityException | IllegalArgumentException e) {
                // Not this algorithm: try the next.
            }
        }
        throw new TlsConfigException(field, file + ": the private key cannot be parsed (not an RSA, EC or EdDSA "
            + "key)");
    }

    /** The named-curve OID (its whole DER) in a SEC1 ECPrivateKey's [0] parameters. */
    private static byte[] sec1Curve(final byte[] der, final Path file, final String field)
        throws TlsConfigException {
        // ECPrivateKey ::= SEQUENCE { version INTEGER, privateKey OCTET STRING, [0] parameters, [1] publicKey }
        try {
            int[] at = header(der, 0, 0x30);
            int p = at[0];
            final int end = at[0] + at[1];
            while (p < end) {
                final int tag = der[p] & 0xff;
                at = header(der, p, tag);
                if (tag == 0xa0) {
                    final int[] oid = header(der, at[0], 0x06);
                    final byte[] out = new byte[oid[0] + oid[1] - at[0]];
                    System.arraycopy(der, at[0], out, 0, out.length);
                    return out;
                }
                p = at[0] + at[1];
            }
        } catch (final IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new TlsConfigException(field, file + ": the EC private key is not valid DER");
        }
        throw new TlsConfigException(field, file + ": the EC private key does not name its curve (convert it to "
            + "PKCS#8: openssl pkcs8 -topk8 -nocrypt -in ec.key -out ec-pkcs8.key)");
    }

    /** Checks the tag at {@code p} and returns {content offset, content length}. */
    private static int[] header(final byte[] der, final int p, final int tag) {
        if ((der[p] & 0xff) != tag) {
            throw new IllegalArgumentException("unexpected DER tag");
        }
        int len = der[p + 1] & 0xff;
        int q = p + 2;
        if (len >= 0x80) {
            final int n = len & 0x7f;
            if (n == 0 || n > 3) {
                throw new IllegalArgumentException("unsupported DER length");
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[q++] & 0xff);
            }
        }
        if (q + len > der.length) {
            throw new IllegalArgumentException("truncated DER");
        }
        return new int[] {q, len};
    }

    private static byte[] sequence(final byte[]... parts) {
        final ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (final byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(final int tag, final byte[] content) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        final int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static List<Block> blocks(final Path file, final String field) throws TlsConfigException {
        final String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
        } catch (final NoSuchFileException e) {
            throw new TlsConfigException(field, "cannot read " + file + ": no such file");
        } catch (final AccessDeniedException e) {
            throw new TlsConfigException(field, "cannot read " + file + ": permission denied");
        } catch (final IOException e) {
            throw new TlsConfigException(field, "cannot read " + file + ": " + e.getMessage());
        }
        final List<Block> out = new ArrayList<>();
        final Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            final String body = m.group(2);
            if (body.contains("Proc-Type:") || body.contains("DEK-Info:")) {
                throw new TlsConfigException(field, file + " holds an encrypted key, which is not supported "
                    + "(decrypt it: openssl pkey -in enc.key -out plain.key)");
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
            } catch (final IllegalArgumentException e) {
                throw new TlsConfigException(field, file + ": the PEM block '" + m.group(1) + "' is not valid "
                    + "base64");
            }
        }
        if (out.isEmpty()) {
            throw new TlsConfigException(field, file + " is not a PEM file (no '-----BEGIN ...-----' block)");
        }
        return out;
    }
}
