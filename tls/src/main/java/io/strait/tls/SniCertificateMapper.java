package io.strait.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Immutable after construction, thread-safe: any event loop maps a client's SNI name to the server context to use.
 * Each certificate's DNS subject alternative names (or, if it has none, its subject CN) map to its context;
 * {@code *.example.com} matches one label under example.com (not example.com itself, not a.b.example.com). An exact
 * name beats a wildcard; when two certificates claim the same name the earlier one wins; no SNI or a name no
 * certificate claims gets the first certificate's context.
 *
 * <p>Owns its contexts: {@link #close()} releases them (reference-counted BoringSSL contexts free their native
 * memory then; engines still using one keep it alive until they end).
 */
public final class SniCertificateMapper implements Mapping<String, SslContext>, AutoCloseable {

    private final List<SslContext> contexts;
    /** Each context's OCSP response to staple, or null entries. */
    private final List<byte[]> staples;
    private final Map<String, SslContext> exact = new HashMap<>();
    /** "*.example.com" is stored as "example.com". */
    private final Map<String, SslContext> wildcard = new HashMap<>();

    /**
     * Maps the names of {@code leaves[i]} to {@code contexts[i]}.
     *
     * @param contexts one server context per certificate, the default first
     * @param leaves   each context's leaf certificate, in the same order
     */
    public SniCertificateMapper(final List<SslContext> contexts, final List<X509Certificate> leaves) {
        this(contexts, leaves, Collections.nCopies(contexts.size(), null));
    }

    /**
     * Maps the names of {@code leaves[i]} to {@code contexts[i]}, whose handshakes staple {@code staples[i]} (a DER
     * OCSP response, or null for none).
     */
    public SniCertificateMapper(final List<SslContext> contexts, final List<X509Certificate> leaves,
                                final List<byte[]> staples) {
        if (contexts.isEmpty() || contexts.size() != leaves.size() || staples.size() != contexts.size()) {
            throw new IllegalArgumentException("one leaf certificate and staple entry per context, at least one");
        }
        this.contexts = List.copyOf(contexts);
        this.staples = new ArrayList<>(staples);
        for (int i = 0; i < contexts.size(); i++) {
            for (final String name : names(leaves.get(i))) {
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), contexts.get(i));
                } else if (name.indexOf('*') < 0) {
                    exact.putIfAbsent(name, contexts.get(i));
                }
            }
        }
    }

    /** The context for {@code hostname} (the SNI name; null when the client sent none). Never null. */
    @Override
    public SslContext map(final String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            return contexts.get(0);
        }
        String name = hostname.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        final SslContext e = exact.get(name);
        if (e != null) {
            return e;
        }
        final int dot = name.indexOf('.');
        if (dot > 0) {
            final SslContext w = wildcard.get(name.substring(dot + 1));
            if (w != null) {
                return w;
            }
        }
        return contexts.get(0);
    }

    /** The default context: the first certificate's. */
    public SslContext defaultContext() {
        return contexts.get(0);
    }

    /** The OCSP response to staple on handshakes of {@code context}, or null (none, or not one of these). */
    public byte[] staple(final SslContext context) {
        for (int i = 0; i < contexts.size(); i++) {
            if (contexts.get(i) == context) {
                return staples.get(i);
            }
        }
        return null;
    }

    /** Every context, in certificate order. */
    public List<SslContext> contexts() {
        return contexts;
    }

    /** Releases every context (once). */
    @Override
    public void close() {
        for (final SslContext c : contexts) {
            if (ReferenceCountUtil.refCnt(c) > 0) {
                ReferenceCountUtil.release(c);
            }
        }
    }

    /**
     * The names a certificate serves, lower-cased: its DNS subject alternative names, or its subject's CN when it has
     * no DNS name.
     */
    public static List<String> names(final X509Certificate cert) {
        final List<String> out = new ArrayList<>();
        try {
            final Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (final List<?> san : sans) {
                    if (((Integer) san.get(0)) == 2) {
                        out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (final CertificateParsingException e) {
            // An unparseable SAN extension: fall back to the CN.
        }
        if (out.isEmpty()) {
            final String cn = commonName(cert);
            if (cn != null) {
                out.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The subject's CN, or null. */
    static String commonName(final X509Certificate cert) {
        try {
            final LdapName dn = new LdapName(cert.getSubjectX500Principal().getName());
            for (final Rdn rdn : dn.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (final InvalidNameException e) {
            return null;
        }
        return null;
    }
}
