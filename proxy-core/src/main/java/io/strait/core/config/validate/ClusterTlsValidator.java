package io.strait.core.config.validate;

import io.strait.core.config.ClusterTlsConfig;
import io.strait.core.config.ListenerTlsConfig;
import io.strait.core.config.UpstreamProtocol;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.tls.CertificateFiles;
import io.strait.tls.SanMatcher;
import io.strait.tls.TlsClientContextFactory;
import io.strait.tls.TlsClientOptions;
import io.strait.tls.TlsConfigException;
import io.strait.tls.TlsServerOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stateless. Binds a cluster's {@code tls} key (upstream TLS) for {@link ClusterValidator}, reporting errors through
 * the cluster's {@link Fields}. File paths resolve against the configuration file's directory. Well-formed keys are
 * then checked for real: the client context is built (files read, the key matched to its certificate, cipher suites
 * looked up) and dropped, and what fails is reported at the field it names.
 */
final class ClusterTlsValidator {

    private static final String HTTP11 = "http/1.1";
    private static final String H2 = "h2";
    private static final Map<String, SanMatcher.Kind> SAN_KINDS = Map.of("dns", SanMatcher.Kind.DNS,
        "uri_exact", SanMatcher.Kind.URI_EXACT, "uri_prefix", SanMatcher.Kind.URI_PREFIX);

    private ClusterTlsValidator() {
    }

    /**
     * {@code tls}, or null when absent or invalid (reported). {@code protocol} decides the ALPN protocols offered by
     * default and which ones {@code alpn} may name; {@code connectTimeout} is the default handshake timeout.
     */
    static ClusterTlsConfig tls(final Fields cluster, final Path baseDir, final UpstreamProtocol protocol,
                                final Duration connectTimeout) {
        final Fields f = cluster.object("tls", "ca_file", "sni", "verify_subject_alt_name", "certificate_file",
            "private_key_file", "alpn", "min_version", "max_version", "cipher_suites", "ecdh_curves",
            "handshake_timeout", "reload_interval", "session_reuse");
        if (f == null) {
            return null;
        }
        boolean ok = true;
        if (!f.has("ca_file")) {
            cluster.errorAtKey("tls", f.has("verify_subject_alt_name")
                ? "verify_subject_alt_name needs ca_file (the CA bundle that verifies the upstream's certificate)"
                : "missing required key 'ca_file': the CA bundle that verifies the upstream's certificates "
                + "(upstream TLS always verifies)");
            ok = false;
        }
        final Path ca = f.has("ca_file") ? TlsValidator.path(f, "ca_file", true, baseDir) : null;
        ok &= ca != null || !f.has("ca_file");
        final CertificateFiles client = clientCertificate(f, baseDir);
        ok &= client != null || !f.has("certificate_file") && !f.has("private_key_file");
        final String sni = sni(f);
        ok &= sni != null || !f.has("sni");
        final List<SanMatcher> sans = sans(f);
        final List<String> alpn = alpn(f, protocol);
        final String min = f.choice("min_version", "TLS version", TlsValidator.VERSIONS, TlsServerOptions.TLS_1_2);
        final String max = f.choice("max_version", "TLS version", TlsValidator.VERSIONS, TlsServerOptions.TLS_1_3);
        if (TlsServerOptions.TLS_1_3.equals(min) && TlsServerOptions.TLS_1_2.equals(max)) {
            f.errorAtValue("max_version", "max_version TLSv1.2 is below min_version TLSv1.3");
            ok = false;
        }
        final List<String> ciphers = TlsValidator.strings(f, "cipher_suites", "a cipher suite name");
        final List<String> curves = TlsValidator.curves(f);
        final Duration handshake = f.duration("handshake_timeout", connectTimeout, true);
        final Duration reload = f.duration("reload_interval", ListenerTlsConfig.DEFAULT_RELOAD_INTERVAL, false);
        final Boolean reuse = f.bool("session_reuse", true);
        if (!ok || reuse == null || sans == null || alpn == null || min == null || max == null || ciphers == null
            || curves == null || handshake == null || reload == null) {
            return null;
        }
        final TlsClientOptions options = new TlsClientOptions(ca, client, sni, sans, alpn, min, max, ciphers, curves,
            handshake, reuse);
        try {
            TlsClientContextFactory.build(options);
            return new ClusterTlsConfig(options, reload);
        } catch (final TlsConfigException e) {
            f.errorAt(f.childPath(e.field()), TlsValidator.locate(f.map(), e.field()), e.getMessage());
            return null;
        }
    }

    /** {@code certificate_file} and {@code private_key_file}: both or neither; null when neither or invalid. */
    private static CertificateFiles clientCertificate(final Fields f, final Path baseDir) {
        final boolean cert = f.has("certificate_file");
        final boolean key = f.has("private_key_file");
        if (!cert && !key) {
            return null;
        }
        if (cert != key) {
            final String present = cert ? "certificate_file" : "private_key_file";
            f.errorAtKey(present, "certificate_file and private_key_file go together (the client certificate "
                + "presented for mutual TLS and its key)");
            return null;
        }
        final Path c = TlsValidator.path(f, "certificate_file", true, baseDir);
        final Path k = TlsValidator.path(f, "private_key_file", true, baseDir);
        return c == null || k == null ? null : new CertificateFiles(c, k);
    }

    /** {@code sni}: a DNS name; null when absent or invalid (reported). */
    private static String sni(final Fields f) {
        final String sni = f.string("sni", false);
        if (sni == null) {
            return null;
        }
        if (sni.isEmpty() || !sni.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*"
            + "[A-Za-z0-9])?)*\\.?")) {
            f.errorAtValue("sni", "sni must be a DNS host name (no IP address, port or wildcard), got '" + sni + "'");
            return null;
        }
        return sni;
    }

    /** {@code verify_subject_alt_name}: empty when absent, null when invalid (reported). */
    private static List<SanMatcher> sans(final Fields f) {
        if (!f.has("verify_subject_alt_name")) {
            return List.of();
        }
        final ListNode list = f.list("verify_subject_alt_name", false, true);
        if (list == null || list.items().isEmpty()) {
            return null;
        }
        final List<SanMatcher> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final String path = f.childPath("verify_subject_alt_name") + "[" + i + "]";
            final YamlNode node = list.items().get(i);
            final Fields m = f.item(node, path, "dns", "uri_exact", "uri_prefix");
            if (m == null) {
                ok = false;
                continue;
            }
            if (m.map().entries().size() != 1) {
                m.errorAt(path, node, "expected exactly one of dns, uri_exact, uri_prefix");
                ok = false;
                continue;
            }
            final String key = m.map().entries().keySet().iterator().next();
            final SanMatcher.Kind kind = SAN_KINDS.get(key);
            final String value = kind == null ? null : m.string(key, true);
            if (kind == null || value == null) {
                ok = false;
            } else if (value.isEmpty()) {
                m.errorAtValue(key, "must not be empty");
                ok = false;
            } else {
                out.add(new SanMatcher(kind, value));
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /**
     * {@code alpn}: by default what {@code protocol} speaks ({@code auto}: h2 then http/1.1); null when invalid
     * (reported).
     */
    private static List<String> alpn(final Fields f, final UpstreamProtocol protocol) {
        final List<String> defaults = switch (protocol) {
            case HTTP2 -> List.of(H2);
            case AUTO -> List.of(H2, HTTP11);
            default -> List.of(HTTP11);
        };
        if (!f.has("alpn")) {
            return defaults;
        }
        final List<String> alpn = TlsValidator.strings(f, "alpn", "a protocol name");
        if (alpn == null) {
            return null;
        }
        final ListNode list = f.list("alpn", false, true);
        boolean ok = true;
        for (int i = 0; i < alpn.size(); i++) {
            final String p = alpn.get(i);
            if (!defaults.contains(p)) {
                f.errorAt(f.childPath("alpn") + "[" + i + "]", list.items().get(i), "unsupported ALPN protocol '" + p
                    + "' (protocol: " + protocol.configName() + " offers " + String.join(", ", defaults) + ")");
                ok = false;
            } else if (alpn.indexOf(p) != i) {
                f.errorAt(f.childPath("alpn") + "[" + i + "]", list.items().get(i), "duplicate ALPN protocol '" + p
                    + "'");
                ok = false;
            }
        }
        return ok ? alpn : null;
    }
}
