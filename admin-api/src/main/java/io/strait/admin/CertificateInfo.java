package io.strait.admin;

import java.time.Instant;
import java.util.List;

/**
 * Immutable. One certificate in use, as {@code /certs} shows it: one a listener serves, or one a cluster presents to
 * its upstreams (mutual TLS) or verifies them with (each certificate of its CA bundle).
 *
 * @param listener        the listener serving it, or null for a cluster's
 * @param cluster         the cluster using it (upstream TLS), or null for a listener's
 * @param kind            {@code server} (a listener's), {@code client} (a cluster's client certificate) or
 *                        {@code ca} (a certificate of a cluster's CA bundle)
 * @param path            the file it was read from
 * @param subject         its subject distinguished name
 * @param subjectAltNames its DNS and IP subject alternative names
 * @param serialNumber    its serial number in hex
 * @param notAfter        when it expires
 */
public record CertificateInfo(String listener, String cluster, String kind, String path, String subject,
                              List<String> subjectAltNames, String serialNumber, Instant notAfter) {

    /** A listener's certificate ({@code kind} server). */
    public static final String SERVER = "server";
    /** A cluster's client certificate. */
    public static final String CLIENT = "client";
    /** A certificate of a cluster's CA bundle. */
    public static final String CA = "ca";

    /** Copies the SAN list. */
    public CertificateInfo {
        subjectAltNames = List.copyOf(subjectAltNames);
    }

    /** A certificate listener {@code listener} serves. */
    public CertificateInfo(final String listener, final String path, final String subject,
                           final List<String> subjectAltNames, final String serialNumber, final Instant notAfter) {
        this(listener, null, SERVER, path, subject, subjectAltNames, serialNumber, notAfter);
    }
}
