package io.strait.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Stateless, thread-safe; call it off the event loops (it reads files). Builds the server {@link SslContext}s of a
 * TLS listener from {@link TlsServerOptions}: one context per certificate, on BoringSSL ({@link
 * SslProvider#OPENSSL_REFCNT}, no finalizers: the returned {@link SniCertificateMapper} must be closed) when
 * netty-tcnative loads, else on the JDK's provider with a warning. The contexts share the listener's
 * {@link SessionTickets} (keys and lifetime, or tickets off), and each has BoringSSL's session cache, so clients
 * resume on any event loop and under any of the listener's certificates. Configured
 * key-exchange groups ({@link TlsServerOptions#ecdhCurves()}) apply on BoringSSL only: the JDK fallback ignores them
 * with a warning (its groups come from the {@code jdk.tls.namedGroups} system property).
 */
public final class TlsContextFactory {

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(TlsContextFactory.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicBoolean WARNED_GROUPS = new AtomicBoolean();

    /** BoringSSL's TLS 1.3 suites, kept enabled when a configuration lists TLS 1.2 suites only. */
    static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256");

    private TlsContextFactory() {
    }

    /** The provider contexts are built on: OPENSSL_REFCNT (BoringSSL) when available, else JDK. */
    public static SslProvider provider() {
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL_REFCNT;
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("BoringSSL (netty-tcnative) is not available, TLS falls back to the JDK's provider, which is "
                + "slower: {}", String.valueOf(OpenSsl.unavailabilityCause()));
        }
        return SslProvider.JDK;
    }

    /**
     * Builds every context of {@code options}.
     *
     * @return the contexts mapped by SNI name; the caller owns it and closes it
     * @throws TlsConfigException naming the field that cannot be used
     */
    public static SniCertificateMapper build(final TlsServerOptions options) throws TlsConfigException {
        return build(options, new SessionTickets(options.sessionTickets()));
    }

    /**
     * Builds every context of {@code options}, with the session ticket keys of {@code tickets} (kept by the caller
     * across rebuilds, so a certificate reload does not cost returning clients a full handshake).
     *
     * @return the contexts mapped by SNI name; the caller owns it and closes it
     * @throws TlsConfigException naming the field that cannot be used
     */
    public static SniCertificateMapper build(final TlsServerOptions options, final SessionTickets tickets)
        throws TlsConfigException {
        if (options.certificates().isEmpty()) {
            throw new TlsConfigException("certificates", "at least one certificate is needed");
        }
        if (options.requireClientCert() && options.clientCa() == null) {
            throw new TlsConfigException("require_client_cert", "require_client_cert needs client_ca");
        }
        final SslProvider provider = provider();
        final List<String> ciphers = ciphers(options, provider);
        final String[] groups = groups(options, provider);
        // Read everything first, in the order of the settings, so the first error is the first bad field.
        final List<X509Certificate[]> chains = new ArrayList<>();
        final List<PrivateKey> keys = new ArrayList<>();
        final List<byte[]> staples = new ArrayList<>();
        for (int i = 0; i < options.certificates().size(); i++) {
            final CertificateFiles files = options.certificates().get(i);
            final String field = "certificates[" + i + "]";
            final X509Certificate[] chain = PemFiles.certificates(files.cert(), field + ".cert");
            final PrivateKey key = PemFiles.privateKey(files.key(), field + ".key");
            if (!PemFiles.matches(key, chain[0].getPublicKey())) {
                throw new TlsConfigException(field + ".key", files.key() + " is not the private key of the "
                    + "first certificate in " + files.cert());
            }
            chains.add(chain);
            keys.add(key);
            if (files.ocspStaple() != null && provider == SslProvider.JDK) {
                throw new TlsConfigException(field + ".ocsp_staple", "OCSP stapling needs BoringSSL (netty-tcnative), "
                    + "which is not available here");
            }
            staples.add(files.ocspStaple() == null ? null
                : OcspStaple.read(files.ocspStaple(), field + ".ocsp_staple"));
        }
        final X509Certificate[] ca = options.clientCa() == null ? null
            : PemFiles.certificates(options.clientCa(), "client_ca");
        final List<SslContext> contexts = new ArrayList<>();
        final List<X509Certificate> leaves = new ArrayList<>();
        try {
            for (int i = 0; i < chains.size(); i++) {
                final SslContext c = context(options, provider, ciphers, groups, ca, chains.get(i), keys.get(i),
                    staples.get(i) != null, "certificates[" + i + "]");
                contexts.add(c);
                tickets.apply(c);
                leaves.add(chains.get(i)[0]);
            }
        } catch (final TlsConfigException | RuntimeException e) {
            for (final SslContext c : contexts) {
                ReferenceCountUtil.release(c);
            }
            throw e;
        }
        return new SniCertificateMapper(contexts, leaves, staples);
    }

    private static List<String> ciphers(final TlsServerOptions options, final SslProvider provider)
        throws TlsConfigException {
        if (options.cipherSuites().isEmpty()) {
            return null;
        }
        for (int i = 0; i < options.cipherSuites().size(); i++) {
            final String suite = options.cipherSuites().get(i);
            if (provider != SslProvider.JDK && !OpenSsl.isCipherSuiteAvailable(suite)) {
                throw new TlsConfigException("cipher_suites[" + i + "]", "unknown cipher suite '" + suite + "' "
                    + "(use OpenSSL names such as ECDHE-RSA-AES128-GCM-SHA256)");
            }
        }
        final List<String> out = new ArrayList<>(options.cipherSuites());
        for (final String s : TLS13_SUITES) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The BoringSSL names of the configured groups, or null for the defaults (or on the JDK provider). */
    private static String[] groups(final TlsServerOptions options, final SslProvider provider)
        throws TlsConfigException {
        final List<String> names = options.ecdhCurves();
        final List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            final String g = TlsServerOptions.group(names.get(i));
            if (g == null) {
                throw new TlsConfigException("ecdh_curves[" + i + "]", "unknown key-exchange group '" + names.get(i)
                    + "' (expected one of " + String.join(", ", TlsServerOptions.GROUPS) + ")");
            }
            if (out.contains(g)) {
                throw new TlsConfigException("ecdh_curves[" + i + "]", "duplicate key-exchange group '"
                    + names.get(i) + "'");
            }
            out.add(g);
        }
        if (out.isEmpty()) {
            return null;
        }
        if (provider == SslProvider.JDK) {
            if (WARNED_GROUPS.compareAndSet(false, true)) {
                LOG.warn("ecdh_curves {} ignored: the JDK's TLS provider takes its groups from -Djdk.tls.namedGroups",
                    out);
            }
            return null;
        }
        return out.toArray(new String[0]);
    }

    private static SslContext context(final TlsServerOptions options, final SslProvider provider,
                                      final List<String> ciphers, final String[] groups, final X509Certificate[] ca,
                                      final X509Certificate[] chain, final PrivateKey key, final boolean ocsp,
                                      final String field) throws TlsConfigException {
        final SslContextBuilder b = SslContextBuilder.forServer(key, chain)
            .sslProvider(provider)
            .protocols(options.minVersion().equals(TlsServerOptions.TLS_1_3)
                ? new String[] {TlsServerOptions.TLS_1_3}
                : new String[] {TlsServerOptions.TLS_1_3, TlsServerOptions.TLS_1_2})
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, options.alpn()));
        if (ciphers != null) {
            b.ciphers(ciphers);
        }
        if (ocsp) {
            b.enableOcsp(true);
        }
        if (groups != null) {
            b.option(OpenSslContextOption.GROUPS, groups);
        }
        if (ca != null) {
            b.trustManager(ca).clientAuth(options.requireClientCert() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        final SslContext context;
        try {
            context = b.build();
        } catch (final SSLException | RuntimeException e) {
            throw new TlsConfigException(field, "cannot build a TLS context: " + e.getMessage());
        }
        return context;
    }
}
