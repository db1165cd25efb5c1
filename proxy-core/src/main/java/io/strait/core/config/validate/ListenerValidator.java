package io.strait.core.config.validate;

import io.strait.core.config.AccessLogConfig;
import io.strait.core.config.AccessLogPaths;
import io.strait.core.config.ClientCertDetails;
import io.strait.core.config.ForwardingConfig;
import io.strait.core.config.HostPort;
import io.strait.core.config.LimitsConfig;
import io.strait.core.config.ListenerCodec;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerProtocol;
import io.strait.core.config.ListenerTimeoutsConfig;
import io.strait.core.config.ListenerTlsConfig;
import io.strait.core.config.RbacConfig;
import io.strait.core.config.VirtualHostConfig;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Confined to one thread (that of its {@link ConfigValidator}). Binds and validates {@code listeners}: names and
 * addresses (unique), protocol, limits, timeouts, access log; TLS through {@link TlsValidator}, the codec and HTTP/2
 * settings through {@link Http2Validator} and virtual hosts through {@link VirtualHostValidator}.
 */
final class ListenerValidator extends SectionValidator {

    static final int DEFAULT_MAX_REQUEST_LINE = 8 * 1024;
    static final int DEFAULT_MAX_HEADERS = 64 * 1024;
    static final int DEFAULT_MAX_HEADER_COUNT = 100;
    static final long UNLIMITED_BODY = Fields.UNLIMITED;
    static final Duration DEFAULT_REQUEST_HEADERS_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private static final Map<String, ListenerProtocol> PROTOCOLS = options("http", ListenerProtocol.HTTP,
        "tcp", ListenerProtocol.TCP);
    private static final Map<String, AccessLogConfig.Format> ACCESS_LOG_FORMATS = options("text",
        AccessLogConfig.Format.TEXT, "json", AccessLogConfig.Format.JSON);

    private final VirtualHostValidator virtualHostValidator;

    ListenerValidator(final SectionValidator shared) {
        super(shared);
        this.virtualHostValidator = new VirtualHostValidator(shared);
    }

    List<ListenerConfig> listeners(final Fields root) {
        final ListNode list = root.list("listeners", true, true);
        final List<ListenerConfig> out = new ArrayList<>();
        if (list == null) {
            return List.of();
        }
        final Map<String, String> names = new HashMap<>();
        final List<Bound> addresses = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            final ListenerConfig l = listener(list.items().get(i), "listeners[" + i + "]", names, addresses);
            if (l != null) {
                out.add(l);
            }
        }
        return List.copyOf(out);
    }

    /** A listener address already bound, for the "bound twice" check. */
    private record Bound(HostPort address, String listenerPath) {
    }

    private ListenerConfig listener(final YamlNode node, final String path, final Map<String, String> names,
                                    final List<Bound> addresses) {
        final Fields f = fields(node, path, "name", "address", "protocol", "tls", "cluster", "virtual_hosts",
            "limits", "timeouts", "access_log", "normalize_path", "merge_slashes", "path_with_escaped_slashes",
            "use_remote_address", "xff_num_trusted_hops", "preserve_external_request_id", "max_connections",
            "forward_client_cert_details", "set_current_client_cert_details", "codec", "http2", "rbac");
        if (f == null) {
            return null;
        }
        final String name = f.name("name", "listener");
        if (name != null) {
            final String earlier = names.putIfAbsent(name, path);
            if (earlier != null) {
                f.errorAtValue("name", "duplicate listener name '" + name + "' (also " + earlier + ")");
            }
        }
        final HostPort address = f.hostPort("address", true, 0);
        if (address != null && address.port() != 0) {
            for (final Bound b : addresses) {
                if (b.address().port() == address.port() && overlaps(b.address().host(), address.host())) {
                    f.errorAtValue("address", "address " + address + " is already bound by " + b.listenerPath()
                        + " (" + b.address() + ")");
                    break;
                }
            }
            addresses.add(new Bound(address, path));
        }
        final ListenerProtocol protocol = f.choice("protocol", "protocol", PROTOCOLS, ListenerProtocol.HTTP);
        if (protocol == ListenerProtocol.TCP) {
            f.errorAtValue("protocol", "tcp listeners are not implemented yet");
        }
        final ListenerCodec codec = Http2Validator.codec(f);
        final ListenerTlsConfig tls = TlsValidator.tls(f, baseDir, codec == null ? ListenerCodec.AUTO : codec);
        String cluster = null;
        List<VirtualHostConfig> virtualHosts = List.of();
        if (protocol == ListenerProtocol.TCP) {
            cluster = clusterRef(f, "cluster", true);
            if (f.has("virtual_hosts")) {
                f.errorAtKey("virtual_hosts", "virtual_hosts is only for protocol: http (a tcp listener names one "
                    + "cluster)");
            }
        } else {
            if (f.has("cluster")) {
                f.errorAtKey("cluster", "cluster is only for protocol: tcp (an http listener routes through "
                    + "virtual_hosts)");
            }
            if (protocol != null) {
                virtualHosts = virtualHostValidator.virtualHosts(f);
            }
        }
        return new ListenerConfig(name, address, protocol, virtualHosts, cluster, limits(f), timeouts(f), tls,
            accessLog(f), PathNormalizationValidator.pathNormalization(f), forwarding(f), maxConnections(f), codec,
            Http2Validator.http2(f), rbac(f, tls));
    }

    /** A listener's rbac policy: it judges verified client certificates, so the listener must verify them. */
    private static RbacConfig rbac(final Fields f, final ListenerTlsConfig tls) {
        final RbacConfig rbac = RbacValidator.rbac(f);
        if (rbac != null && (tls == null || tls.options().clientCa() == null)) {
            f.errorAtKey("rbac", "rbac on a listener needs tls with client_ca (it authorizes by the verified client "
                + "certificate)");
        }
        return rbac;
    }

    private static boolean overlaps(final String a, final String b) {
        return a.equalsIgnoreCase(b) || isWildcardHost(a) || isWildcardHost(b);
    }

    private static boolean isWildcardHost(final String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
    }

    /** Key {@code max_connections} of a listener: a positive integer; absent: no cap of its own. */
    private static int maxConnections(final Fields listener) {
        final Long n = listener.integerOr("max_connections", (long) ListenerConfig.UNLIMITED_CONNECTIONS, 1,
            Integer.MAX_VALUE);
        return n == null ? ListenerConfig.UNLIMITED_CONNECTIONS : n.intValue();
    }

    private LimitsConfig limits(final Fields listener) {
        final Fields f = listener.object("limits", "request_line", "headers", "header_count", "body",
            "connection_buffer");
        final int defaultBuffer = profile.connectionBuffer();
        if (f == null) {
            return new LimitsConfig(DEFAULT_MAX_REQUEST_LINE, DEFAULT_MAX_HEADERS, DEFAULT_MAX_HEADER_COUNT,
                UNLIMITED_BODY, defaultBuffer);
        }
        final Long buffer = f.size("connection_buffer", defaultBuffer, false, 1, Integer.MAX_VALUE);
        final Long requestLine = f.size("request_line", DEFAULT_MAX_REQUEST_LINE, false, 1, Integer.MAX_VALUE);
        final Long headers = f.size("headers", DEFAULT_MAX_HEADERS, false, 1, Integer.MAX_VALUE);
        final Long headerCount = f.integerOr("header_count", (long) DEFAULT_MAX_HEADER_COUNT, 1, Integer.MAX_VALUE);
        final Long body = f.size("body", UNLIMITED_BODY, true, 0, Long.MAX_VALUE);
        return new LimitsConfig(requestLine == null ? DEFAULT_MAX_REQUEST_LINE : requestLine.intValue(),
            headers == null ? DEFAULT_MAX_HEADERS : headers.intValue(),
            headerCount == null ? DEFAULT_MAX_HEADER_COUNT : headerCount.intValue(),
            body == null ? UNLIMITED_BODY : body,
            buffer == null ? defaultBuffer : buffer.intValue());
    }

    /**
     * Key {@code access_log}: a path (checked now: its directory must exist and be writable, so a typo fails the load
     * rather than every write) and a format. Null when absent or invalid (reported).
     */
    private AccessLogConfig accessLog(final Fields listener) {
        final Fields f = listener.object("access_log", "path", "format");
        if (f == null) {
            return null;
        }
        final String path = f.string("path", true);
        final AccessLogConfig.Format format = f.choice("format", "access log format", ACCESS_LOG_FORMATS,
            AccessLogConfig.Format.TEXT);
        if (path == null) {
            return null;
        }
        if (path.isBlank()) {
            f.errorAtValue("path", "access log path is empty (a file path, or - for standard output)");
            return null;
        }
        final String problem = AccessLogPaths.problem(path);
        if (problem != null) {
            f.errorAtValue("path", problem);
            return null;
        }
        return format == null ? null : new AccessLogConfig(path, format);
    }

    /**
     * Keys {@code use_remote_address}, {@code xff_num_trusted_hops} and {@code preserve_external_request_id}: the
     * listener's forwarding-header policy. A bad value is reported and the edge default used, so validation goes on.
     */
    private static ForwardingConfig forwarding(final Fields listener) {
        final ForwardingConfig edge = ForwardingConfig.EDGE;
        final Boolean useRemote = listener.bool("use_remote_address", edge.useRemoteAddress());
        final Long hops = listener.integerOr("xff_num_trusted_hops", (long) edge.xffNumTrustedHops(), 0,
            ForwardingConfig.MAX_TRUSTED_HOPS);
        final Boolean preserve = listener.bool("preserve_external_request_id", edge.preserveExternalRequestId());
        final ClientCertDetails.Mode mode = listener.choice("forward_client_cert_details", "mode", XFCC_MODES,
            ClientCertDetails.Mode.SANITIZE);
        ClientCertDetails details = new ClientCertDetails(mode == null ? ClientCertDetails.Mode.SANITIZE : mode,
            false, false, false);
        if (listener.has("set_current_client_cert_details")) {
            final Fields d = listener.object("set_current_client_cert_details", "subject", "uri", "dns");
            if (d != null) {
                final Boolean subject = d.bool("subject", false);
                final Boolean uri = d.bool("uri", false);
                final Boolean dns = d.bool("dns", false);
                if (subject != null && uri != null && dns != null) {
                    details = new ClientCertDetails(details.mode(), subject, uri, dns);
                }
            }
        }
        if (useRemote == null || hops == null || preserve == null) {
            return edge;
        }
        return new ForwardingConfig(useRemote, hops.intValue(), preserve, details);
    }

    /** {@code forward_client_cert_details} names, in the order errors list them. */
    private static final Map<String, ClientCertDetails.Mode> XFCC_MODES = xfccModes();

    private static Map<String, ClientCertDetails.Mode> xfccModes() {
        final Map<String, ClientCertDetails.Mode> m = new LinkedHashMap<>();
        for (final ClientCertDetails.Mode mode : ClientCertDetails.Mode.values()) {
            m.put(mode.name().toLowerCase(Locale.ROOT), mode);
        }
        return m;
    }

    private ListenerTimeoutsConfig timeouts(final Fields listener) {
        final Fields f = listener.object("timeouts", "request_headers", "idle", "stream_idle", "first_byte",
            "send");
        if (f == null) {
            return new ListenerTimeoutsConfig(DEFAULT_REQUEST_HEADERS_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
        }
        return new ListenerTimeoutsConfig(f.duration("request_headers", DEFAULT_REQUEST_HEADERS_TIMEOUT, false),
            f.duration("idle", DEFAULT_IDLE_TIMEOUT, false),
            f.duration("stream_idle", ListenerTimeoutsConfig.DEFAULT_STREAM_IDLE, false),
            f.duration("first_byte", ListenerTimeoutsConfig.DEFAULT_FIRST_BYTE, false),
            f.duration("send", ListenerTimeoutsConfig.DEFAULT_SEND, false));
    }
}
