package io.strait.server;


import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code strait mesh}: the two-sidecar mesh example ({@link Mesh}) in one process, with the commands to try, until
 * Ctrl-C. {@code bin/strait mesh} makes the example's certificates first when there are none.
 */
final class MeshCommand implements Callable<Integer> {

    static final Cli.Command CLI = new Cli.Command("mesh", Main.text("""
            Usage: strait mesh [-d=<dir>]
            Run the two-sidecar mTLS example of examples/mesh (needs its certificates:
            examples/mesh/make-certs.sh, which bin/strait mesh runs when they are missing).
              -d, --dir=<dir>   The example's directory (default: examples/mesh).
            """),
        List.of(Cli.Option.value("-d", "--dir", "<dir>")));

    private final Path dir;

    private MeshCommand(final Path dir) {
        this.dir = dir;
    }

    /** The command with the options of {@code p}. */
    static MeshCommand from(final Cli.Parsed p) {
        return new MeshCommand(Path.of(p.has("--dir") ? p.get("--dir") : "examples/mesh"));
    }

    @Override
    public Integer call() throws Exception {
        final Mesh mesh;
        try {
            mesh = Mesh.start(dir);
        } catch (final IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                mesh.close();
            } catch (final Exception e) {
                System.err.println("stopping the mesh: " + e);
            } finally {
                stopped.countDown();
            }
        }, "strait-mesh-shutdown"));
        printHints(mesh);
        RunCommand.markRunning();
        stopped.await();
        return 0;
    }

    private void printHints(final Mesh mesh) {
        final String out = "http://127.0.0.1:" + mesh.client().boundAddress("outbound").getPort();
        final int in = mesh.server().boundAddress("inbound").getPort();
        final Path certs = dir.resolve("certs");
        System.out.println();
        System.out.println("Mesh example is up: app (you) -> " + out + " client-side sidecar -> mTLS as "
            + "spiffe://example.org/ns/demo/sa/frontend -> 127.0.0.1:" + in + " server-side sidecar -> app "
            + String.join(", ", mesh.apps()));
        System.out.println("Try:");
        System.out.println("  curl -i " + out + "/api/hello      # allowed; the app shows x-forwarded-client-cert");
        System.out.println("  curl -i -H 'x-forwarded-client-cert: URI=spiffe://forged' " + out
            + "/api/hello   # replaced, not passed on");
        System.out.println("  curl -i --cacert " + certs.resolve("ca.pem") + " --cert " + certs.resolve("stranger.pem")
            + " --key " + certs.resolve("stranger.key") + " --resolve backend.demo:" + in + ":127.0.0.1 https://"
            + "backend.demo:" + in + "/api/hello   # another workload: 403 rbac_denied");
        System.out.println("  curl -i --cacert " + certs.resolve("ca.pem") + " --resolve backend.demo:" + in
            + ":127.0.0.1 https://backend.demo:" + in + "/   # no client certificate: the handshake fails");
        System.out.println("Stats: curl 'http://127.0.0.1:15000/stats?filter=ssl'  (client side; server side on "
            + "15100)");
        System.out.println("Press Ctrl-C to stop.");
        System.out.println();
    }
}
