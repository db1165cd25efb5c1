package io.strait.admin;

import java.time.Instant;
import java.util.List;

/**
 * Immutable. One certificate a listener serves, as {@code /certs} shows it.
 *
 * @param listener        the listener serving it
 * @param path            the file it was read from
 * @param subject         its subject distinguished name
 * @param subjectAltNames its DNS and IP subject alternative names
 * @param serialNumber    its serial number in hex
 * @param notAfter        when it expires
 */
public record CertificateInfo(String listener, String path, String subject, List<String> subjectAltNames,
                              String serialNumber, Instant notAfter) {

    /** Copies the SAN list. */
    public CertificateInfo {
        subjectAltNames = List.copyOf(subjectAltNames);
    }
}
