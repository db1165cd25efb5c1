package io.strait.server;

import io.strait.admin.AdminServer;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.EndpointConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.server.ProxyServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two-sidecar mesh example of {@code examples/mesh} running in one process: the server's app (a demo upstream on
 * each endpoint of the server-side sidecar's clusters), the server-side sidecar (terminates mTLS, checks the
 * caller's SPIFFE ID, sets XFCC) and the client-side sidecar (plain HTTP in on loopback, mTLS out), each with its
 * admin API when its configuration has one. Made and closed by one thread ({@code strait mesh}, or a test).
 */
final class Mesh implements AutoCloseable {

    /** The client-side sidecar's configuration file in the example directory. */
    static final String CLIENT = "client-sidecar.yaml";
    /** The server-side sidecar's configuration file in the example directory. */
    static final String SERVER = "server-sidecar.yaml";

    private final DemoUpstreams apps = new DemoUpstreams();
    private final List<AutoCloseable> started = new ArrayList<>();
    private ProxyServer client;
    private ProxyServer server;

    private Mesh() {
    }

    /**
     * Starts the example of {@code dir}: the app, then the server-side sidecar, then the client-side one.
     *
     * @throws IllegalArgumentException when a configuration has errors (all of them in the message) or the
     *                                  certificates are missing
     */
    static Mesh start(final Path dir) throws Exception {
        if (!Files.isRegularFile(dir.resolve("certs/ca.pem"))) {
            throw new IllegalArgumentException("no certificates in " + dir.resolve("certs") + ": run "
                + dir.resolve("make-certs.sh") + " first");
        }
        final StraitConfig serverConfig = load(dir.resolve(SERVER));
        final StraitConfig clientConfig = load(dir.resolve(CLIENT));
        final Mesh m = new Mesh();
        try {
            for (final ClusterConfig c : serverConfig.clusters()) {
                for (final EndpointConfig e : c.endpoints()) {
                    m.apps.start(c.name(), e.address().toSocketAddress());
                }
            }
            m.server = ProxyServer.start(serverConfig);
            m.started.add(m.server);
            m.admin(serverConfig, dir.resolve(SERVER), m.server);
            m.client = ProxyServer.start(clientConfig);
            m.started.add(m.client);
            m.admin(clientConfig, dir.resolve(CLIENT), m.client);
        } catch (final Exception | Error e) {
            m.close();
            throw e;
        }
        return m;
    }

    private void admin(final StraitConfig config, final Path file, final ProxyServer proxy) throws Exception {
        final AdminServer a = Launcher.startAdmin(config, file, proxy);
        if (a != null) {
            started.add(a);
        }
    }

    private static StraitConfig load(final Path file) {
        final ConfigResult r = ConfigLoader.load(file);
        if (!r.ok()) {
            final StringBuilder sb = new StringBuilder();
            for (final ConfigError e : r.errors()) {
                sb.append('\n').append(e.format());
            }
            throw new IllegalArgumentException(r.errors().size() + " error(s) in " + file + ":" + sb);
        }
        return r.config();
    }

    /** The client-side sidecar. */
    ProxyServer client() {
        return client;
    }

    /** The server-side sidecar. */
    ProxyServer server() {
        return server;
    }

    /** The app's demo upstreams, as {@code cluster@host:port}. */
    List<String> apps() {
        return apps.started();
    }

    /** Stops the client side, then the server side, then the app. */
    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
        apps.close();
    }
}
