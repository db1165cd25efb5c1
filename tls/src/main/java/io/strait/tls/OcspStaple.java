package io.strait.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stateless. Reads an OCSP response to staple: DER bytes, checked just enough to refuse a file that is not a
 * successful OCSP response (PEM text, an error response, an empty file), so a mistake is a config error and not a
 * staple every client rejects. Whether it is current and for this certificate is the responder's and the client's
 * business, as with nginx's {@code ssl_stapling_file}.
 */
final class OcspStaple {

    /** The largest response read: real ones are a few KiB. */
    static final int MAX_BYTES = 64 * 1024;

    private OcspStaple() {
    }

    /**
     * The response in {@code file}.
     *
     * @throws TlsConfigException at {@code field} when it cannot be read or is not a successful OCSP response
     */
    static byte[] read(final Path file, final String field) throws TlsConfigException {
        final byte[] der;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new TlsConfigException(field, file + " is larger than " + MAX_BYTES + " bytes: not an OCSP "
                    + "response");
            }
            der = Files.readAllBytes(file);
        } catch (final IOException e) {
            throw new TlsConfigException(field, "cannot read " + file + ": " + e.getMessage());
        }
        if (!successful(der)) {
            throw new TlsConfigException(field, file + " is not a DER-encoded successful OCSP response (RFC 6960 "
                + "OCSPResponse with responseStatus successful and a responseBytes)");
        }
        return der;
    }

    /** OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED (0 = successful), responseBytes [0] EXPLICIT ... }. */
    static boolean successful(final byte[] der) {
        if (der.length < 8 || der[0] != 0x30) {
            return false;
        }
        int i = 1;
        final int len0 = der[i] & 0xff;
        if (len0 < 0x80) {
            i += 1;
        } else {
            final int n = len0 & 0x7f;
            if (n == 0 || n > 3) {
                return false;
            }
            i += 1 + n;
        }
        return i + 4 < der.length && der[i] == 0x0a && der[i + 1] == 0x01 && der[i + 2] == 0x00
            && (der[i + 3] & 0xff) == 0xa0;
    }
}
