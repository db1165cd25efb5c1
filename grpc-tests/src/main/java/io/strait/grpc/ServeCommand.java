package io.strait.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve}: the unary echo backend ({@link EchoService}) on h2c, answering on its transport threads, until the
 * process is stopped (SIGTERM/SIGINT: a graceful shutdown of at most five seconds). Thread-confined to the main
 * thread; the shutdown hook only stops the server.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "The gRPC echo backend (h2c) that 'load' calls, until stopped.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--address", defaultValue = "127.0.0.1", description = "Address to bind (default 127.0.0.1).")
    private String address;

    @Option(names = { "-p", "--port" }, defaultValue = "50051",
        description = "Port to bind, 0 for any (default 50051).")
    private int port;

    @Override
    public Integer call() throws Exception {
        final Server server = NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
            .directExecutor()
            .addService(EchoService.definition())
            .build()
            .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server.shutdownNow();
        }, "grpc-serve-shutdown"));
        System.out.println("strait-grpc-load serve: listening on " + address + ":" + server.getPort());
        server.awaitTermination();
        return 0;
    }
}
