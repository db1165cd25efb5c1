package io.strait.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Stateless, thread-safe; call it off the event loops (it reads files). Builds the client {@link SslContext} of a
 * cluster from {@link TlsClientOptions}: one context shared by every event loop, so BoringSSL's client session
 * cache (keyed by the peer host and port each engine is made for) lets a connection on any loop resume a session
 * another loop set up. The context is {@link SslProvider#OPENSSL} (its native memory freed once unreachable, no
 * reference count): a reload just stops handing it out and connections that use it keep it. The trust manager
 * ({@link UpstreamTrustManager}) checks the chain and the names during the handshake.
 */
public final class TlsClientContextFactory {

    private TlsClientContextFactory() {
    }

    /**
     * Builds the context of {@code options}.
     *
     * @throws TlsConfigException naming the field (relative to the cluster's {@code tls}) that cannot be used
     */
    public static SslContext build(final TlsClientOptions options) throws TlsConfigException {
        final SslProvider provider = TlsContextFactory.provider() == SslProvider.JDK ? SslProvider.JDK
            : SslProvider.OPENSSL;
        final X509Certificate[] ca = PemFiles.certificates(options.caFile(), "ca_file");
        X509Certificate[] chain = null;
        PrivateKey key = null;
        if (options.clientCertificate() != null) {
            final CertificateFiles files = options.clientCertificate();
            chain = PemFiles.certificates(files.cert(), "certificate_file");
            key = PemFiles.privateKey(files.key(), "private_key_file");
            if (!PemFiles.matches(key, chain[0].getPublicKey())) {
                throw new TlsConfigException("private_key_file", files.key() + " is not the private key of the "
                    + "first certificate in " + files.cert());
            }
        }
        final SslContextBuilder b = SslContextBuilder.forClient()
            .sslProvider(provider)
            .trustManager(new UpstreamTrustManager(ca, options.verifySans()))
            .protocols(options.protocols())
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, options.alpn()));
        if (chain != null) {
            b.keyManager(key, chain);
        }
        final List<String> ciphers = ciphers(options, provider);
        if (ciphers != null) {
            b.ciphers(ciphers);
        }
        final String[] groups = groups(options, provider);
        if (groups != null) {
            b.option(OpenSslContextOption.GROUPS, groups);
        }
        try {
            final SslContext context = b.build();
            if (!options.sessionReuse() && context.sessionContext() instanceof OpenSslSessionContext s) {
                s.setSessionCacheEnabled(false);   // nothing stored, nothing offered: every handshake is full
            }
            return context;
        } catch (final SSLException | RuntimeException e) {
            throw new TlsConfigException("ca_file", "cannot build a TLS client context: " + e.getMessage());
        }
    }

    private static List<String> ciphers(final TlsClientOptions options, final SslProvider provider)
        throws TlsConfigException {
        if (options.cipherSuites().isEmpty()) {
            return null;
        }
        for (int i = 0; i < options.cipherSuites().size(); i++) {
            final String suite = options.cipherSuites().get(i);
            if (provider != SslProvider.JDK && !io.netty.handler.ssl.OpenSsl.isCipherSuiteAvailable(suite)) {
                throw new TlsConfigException("cipher_suites[" + i + "]", "unknown cipher suite '" + suite + "' "
                    + "(use OpenSSL names such as ECDHE-ECDSA-AES128-GCM-SHA256)");
            }
        }
        final List<String> out = new ArrayList<>(options.cipherSuites());
        for (final String s : TlsContextFactory.TLS13_SUITES) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private static String[] groups(final TlsClientOptions options, final SslProvider provider)
        throws TlsConfigException {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < options.ecdhCurves().size(); i++) {
            final String g = TlsServerOptions.group(options.ecdhCurves().get(i));
            if (g == null || out.contains(g)) {
                throw new TlsConfigException("ecdh_curves[" + i + "]", (g == null ? "unknown" : "duplicate")
                    + " key-exchange group '" + options.ecdhCurves().get(i) + "'");
            }
            out.add(g);
        }
        return out.isEmpty() || provider == SslProvider.JDK ? null : out.toArray(new String[0]);
    }
}
