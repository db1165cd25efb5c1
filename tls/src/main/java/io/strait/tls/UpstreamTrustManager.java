package io.strait.tls;

import io.netty.util.NetUtil;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Thread-safe (immutable). Verifies an upstream's certificate during the handshake, so a failure aborts it before
 * any request byte is sent: first the chain against the cluster's CA bundle (the JDK's PKIX checks: signatures,
 * validity dates, basic constraints), then the names: one of the configured {@link SanMatcher}s, or by default the
 * SNI host the engine was made for ({@link SSLEngine#getPeerHost()}) as a DNS SAN. A chain failure throws the JDK's
 * {@link CertificateException}; a name failure a {@link SanMismatchException}, so the two are counted apart.
 */
final class UpstreamTrustManager extends X509ExtendedTrustManager {

    private final X509TrustManager chain;
    private final List<SanMatcher> matchers;

    UpstreamTrustManager(final X509Certificate[] ca, final List<SanMatcher> matchers) throws TlsConfigException {
        this.chain = pkix(ca);
        this.matchers = List.copyOf(matchers);
    }

    private static X509TrustManager pkix(final X509Certificate[] ca) throws TlsConfigException {
        try {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < ca.length; i++) {
                store.setCertificateEntry("ca-" + i, ca[i]);
            }
            final TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
            f.init(store);
            for (final TrustManager t : f.getTrustManagers()) {
                if (t instanceof X509TrustManager x) {
                    return x;
                }
            }
        } catch (final GeneralSecurityException | java.io.IOException e) {
            throw new TlsConfigException("ca_file", "cannot use the CA bundle: " + e.getMessage());
        }
        throw new TlsConfigException("ca_file", "the JDK has no PKIX trust manager");
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] certs, final String authType, final SSLEngine engine)
        throws CertificateException {
        chain.checkServerTrusted(certs, authType);
        verifyNames(certs[0], engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] certs, final String authType, final Socket socket)
        throws CertificateException {
        chain.checkServerTrusted(certs, authType);
        verifyNames(certs[0], null);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] certs, final String authType)
        throws CertificateException {
        chain.checkServerTrusted(certs, authType);
        verifyNames(certs[0], null);
    }

    /** Checks the leaf's SANs against the matchers, or against {@code sniHost} when there are none. */
    void verifyNames(final X509Certificate leaf, final String sniHost) throws SanMismatchException {
        final List<String> dns = PeerIdentity.sans(leaf, PeerIdentity.SAN_DNS);
        if (matchers.isEmpty()) {
            if (sniHost == null || NetUtil.isValidIpV4Address(sniHost) || NetUtil.isValidIpV6Address(sniHost)) {
                return;   // no name to check: the chain alone (documented; configure verify_subject_alt_name)
            }
            for (final String san : dns) {
                if (SanMatcher.dnsMatches(sniHost, san)) {
                    return;
                }
            }
            throw new SanMismatchException("the upstream's certificate (DNS SANs " + dns + ") does not name "
                + sniHost);
        }
        final List<String> uris = PeerIdentity.sans(leaf, PeerIdentity.SAN_URI);
        for (final SanMatcher m : matchers) {
            if (m.matches(dns, uris)) {
                return;
            }
        }
        throw new SanMismatchException("the upstream's certificate (DNS SANs " + dns + ", URI SANs " + uris
            + ") matches none of verify_subject_alt_name " + matchers);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] certs, final String authType, final SSLEngine engine)
        throws CertificateException {
        throw new CertificateException("an upstream trust manager verifies servers only");
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] certs, final String authType, final Socket socket)
        throws CertificateException {
        throw new CertificateException("an upstream trust manager verifies servers only");
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] certs, final String authType) throws CertificateException {
        throw new CertificateException("an upstream trust manager verifies servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chain.getAcceptedIssuers();
    }
}
