package io.strait.core.config.validate;

import io.strait.core.config.ListenerCodec;
import io.strait.core.config.ListenerTlsConfig;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.core.config.yaml.YamlNode.MapNode;
import io.strait.tls.CertificateFiles;
import io.strait.tls.SessionTicketOptions;
import io.strait.tls.SniCertificateMapper;
import io.strait.tls.TlsConfigException;
import io.strait.tls.TlsContextFactory;
import io.strait.tls.TlsServerOptions;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stateless. Binds a listener's {@code tls} key for {@link ListenerValidator}, reporting errors through the listener's
 * {@link Fields}. File paths resolve against the configuration file's directory. A {@code tls} block whose keys are
 * well-formed is then checked for real: its contexts are built (files read, keys matched to certificates, cipher
 * suites looked up) and released, and what fails is reported at the field it names.
 */
final class TlsValidator {

    static final Map<String, String> VERSIONS = versions();
    private static final String HTTP11 = "http/1.1";
    private static final String H2 = "h2";

    private TlsValidator() {
    }

    /**
     * {@code tls}, or null when absent or invalid (reported). {@code codec} decides the ALPN protocols offered by
     * default ({@code h2} and/or {@code http/1.1}) and which ones {@code alpn} may name.
     */
    static ListenerTlsConfig tls(final Fields listener, final Path baseDir, final ListenerCodec codec) {
        final Fields f = listener.object("tls", "certificates", "client_ca", "require_client_cert", "min_version",
            "cipher_suites", "handshake_timeout", "alpn", "reload_interval", "ecdh_curves", "session_tickets");
        if (f == null) {
            return null;
        }
        boolean ok = true;
        final List<CertificateFiles> certificates = new ArrayList<>();
        final ListNode list = f.list("certificates", true, true);
        if (list == null || list.items().isEmpty()) {
            ok = false;
        } else {
            for (int i = 0; i < list.items().size(); i++) {
                final Fields c = f.item(list.items().get(i), f.childPath("certificates") + "[" + i + "]", "cert",
                    "key", "ocsp_staple");
                if (c == null) {
                    ok = false;
                    continue;
                }
                final Path cert = path(c, "cert", true, baseDir);
                final Path key = path(c, "key", true, baseDir);
                final Path staple = path(c, "ocsp_staple", false, baseDir);
                if (cert == null || key == null || staple == null && c.has("ocsp_staple")) {
                    ok = false;
                } else {
                    certificates.add(new CertificateFiles(cert, key, staple));
                }
            }
        }
        final Path clientCa = path(f, "client_ca", false, baseDir);
        ok &= clientCa != null || !f.has("client_ca");
        final Boolean require = f.bool("require_client_cert", false);
        if (require == null) {
            ok = false;
        } else if (require && !f.has("client_ca")) {
            f.errorAtValue("require_client_cert", "requiring client certificates needs client_ca (the CA bundle "
                + "that verifies them)");
            ok = false;
        }
        final String minVersion = f.choice("min_version", "TLS version", VERSIONS, TlsServerOptions.TLS_1_2);
        final List<String> ciphers = strings(f, "cipher_suites", "a cipher suite name");
        final List<String> alpn = f.has("alpn") ? strings(f, "alpn", "a protocol name") : defaultAlpn(codec);
        if (alpn != null) {
            final ListNode alpnList = f.list("alpn", false, true);
            for (int i = 0; i < alpn.size(); i++) {
                final String p = alpn.get(i);
                final boolean known = p.equals(HTTP11) || p.equals(H2);
                if (!known || p.equals(H2) && !codec.allowsHttp2() || p.equals(HTTP11) && !codec.allowsHttp1()) {
                    f.errorAt(f.childPath("alpn") + "[" + i + "]", alpnList.items().get(i), "unsupported ALPN "
                        + "protocol '" + p + "' (" + (known ? "the listener's codec is " + codec.name().toLowerCase(
                        java.util.Locale.ROOT) : "h2 and http/1.1 are supported") + ")");
                    ok = false;
                }
            }
            if (alpn.isEmpty()) {
                ok = false;
            }
        }
        final Duration handshake = f.duration("handshake_timeout", TlsServerOptions.DEFAULT_HANDSHAKE_TIMEOUT, true);
        final Duration reload = f.duration("reload_interval", ListenerTlsConfig.DEFAULT_RELOAD_INTERVAL, false);
        final List<String> curves = curves(f);
        final SessionTicketOptions tickets = tickets(f, baseDir);
        if (!ok || minVersion == null || ciphers == null || alpn == null || handshake == null || reload == null
            || curves == null || tickets == null) {
            return null;
        }
        final TlsServerOptions options = new TlsServerOptions(certificates, clientCa, require, minVersion, ciphers,
            alpn, handshake, curves, tickets);
        try (SniCertificateMapper built = TlsContextFactory.build(options)) {
            return new ListenerTlsConfig(options, reload);
        } catch (final TlsConfigException e) {
            f.errorAt(f.childPath(e.field()), locate(f.map(), e.field()), e.getMessage());
            return null;
        }
    }

    /** What a listener offers when {@code alpn} is absent: h2 first where the codec allows it, as Envoy does. */
    private static List<String> defaultAlpn(final ListenerCodec codec) {
        switch (codec) {
            case HTTP1:
                return List.of(HTTP11);
            case HTTP2:
                return List.of(H2);
            default:
                return List.of(H2, HTTP11);
        }
    }

    private static Map<String, String> versions() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(TlsServerOptions.TLS_1_2, TlsServerOptions.TLS_1_2);
        m.put(TlsServerOptions.TLS_1_3, TlsServerOptions.TLS_1_3);
        return m;
    }

    static Path path(final Fields f, final String key, final boolean required, final Path baseDir) {
        final String text = f.string(key, required);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            f.errorAtValue(key, "must be a file path");
            return null;
        }
        try {
            return baseDir.resolve(text).normalize();
        } catch (final InvalidPathException e) {
            f.errorAtValue(key, "invalid file path '" + text + "': " + e.getReason());
            return null;
        }
    }

    /** {@code session_tickets}: the defaults when absent, null when invalid (reported). */
    private static SessionTicketOptions tickets(final Fields tls, final Path baseDir) {
        if (!tls.has("session_tickets")) {
            return SessionTicketOptions.DEFAULTS;
        }
        final Fields f = tls.object("session_tickets", "enabled", "lifetime", "rotation", "key_files");
        if (f == null) {
            return null;
        }
        final Boolean enabled = f.bool("enabled", true);
        final Duration lifetime = f.duration("lifetime", SessionTicketOptions.DEFAULT_LIFETIME, true);
        boolean ok = enabled != null && lifetime != null;
        if (lifetime != null && lifetime.compareTo(SessionTicketOptions.MAX_LIFETIME) > 0) {
            f.errorAtValue("lifetime", "must be at most 168h (TLS 1.3's limit on a ticket's lifetime), got "
                + lifetime.toHours() + "h");
            ok = false;
        }
        final Duration rotation = f.duration("rotation", SessionTicketOptions.DEFAULT_ROTATION, false);
        ok &= rotation != null;
        final List<String> names = strings(f, "key_files", "a file path");
        final List<Path> files = new ArrayList<>();
        if (names == null) {
            ok = false;
        } else {
            for (int i = 0; i < names.size(); i++) {
                try {
                    files.add(baseDir.resolve(names.get(i)).normalize());
                } catch (final InvalidPathException e) {
                    f.errorAt(f.childPath("key_files") + "[" + i + "]", f.list("key_files", false, false).items()
                        .get(i), "invalid file path '" + names.get(i) + "': " + e.getReason());
                    ok = false;
                }
            }
        }
        if (ok && Boolean.FALSE.equals(enabled) && !files.isEmpty()) {
            f.errorAtKey("key_files", "key_files has no use when session tickets are off (enabled: false)");
            ok = false;
        }
        return ok ? new SessionTicketOptions(enabled, lifetime, rotation, files) : null;
    }

    /** {@code ecdh_curves} as BoringSSL group names: empty when absent, null when invalid (reported). */
    static List<String> curves(final Fields f) {
        final List<String> names = strings(f, "ecdh_curves", "a key-exchange group name");
        if (names == null || names.isEmpty()) {
            return names;
        }
        final ListNode list = f.list("ecdh_curves", false, false);
        final List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < names.size(); i++) {
            final String g = TlsServerOptions.group(names.get(i));
            final String field = f.childPath("ecdh_curves") + "[" + i + "]";
            if (g == null) {
                f.errorAt(field, list.items().get(i), "unknown key-exchange group '" + names.get(i) + "' (expected "
                    + "one of " + String.join(", ", TlsServerOptions.GROUPS) + ")");
                ok = false;
            } else if (out.contains(g)) {
                f.errorAt(field, list.items().get(i), "duplicate key-exchange group '" + names.get(i) + "'");
                ok = false;
            } else {
                out.add(g);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /** A list of non-empty strings under {@code key}: empty when absent, null when invalid (reported). */
    static List<String> strings(final Fields f, final String key, final String what) {
        if (!f.has(key)) {
            return List.of();
        }
        final ListNode list = f.list(key, false, true);
        if (list == null || list.items().isEmpty()) {
            return null;
        }
        final List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final YamlNode item = list.items().get(i);
            if (item instanceof YamlNode.ScalarNode s && s.kind() == YamlNode.ScalarKind.STRING
                && !s.text().isEmpty()) {
                out.add(s.text());
            } else {
                f.errorAt(f.childPath(key) + "[" + i + "]", item, "expected " + what + ", got " + item.kindName());
                ok = false;
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    /** The node at {@code field} (e.g. {@code certificates[1].key}) under the tls map, or the nearest parent. */
    static YamlNode locate(final MapNode tls, final String field) {
        YamlNode node = tls;
        for (final String segment : field.split("\\.")) {
            final int bracket = segment.indexOf('[');
            final String name = bracket < 0 ? segment : segment.substring(0, bracket);
            if (!(node instanceof MapNode m) || !m.entries().containsKey(name)) {
                return node;
            }
            node = m.entries().get(name).value();
            if (bracket >= 0) {
                final int index = Integer.parseInt(segment.substring(bracket + 1, segment.indexOf(']')));
                if (!(node instanceof ListNode l) || index >= l.items().size()) {
                    return node;
                }
                node = l.items().get(index);
            }
        }
        return node;
    }
}
