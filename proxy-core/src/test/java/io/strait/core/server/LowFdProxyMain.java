package io.strait.core.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.stats.StatVisitor;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs Strait in a child JVM for {@link FileDescriptorLimitIntegrationTest} (which starts it under a low
 * {@code ulimit -n}): starts a server on the config file named by the first argument, prints {@code PORT <n>}, then
 * answers each stdin line {@code stats} with the counters ({@code STAT <name> <value>} lines, then {@code END});
 * stdin closed: exits.
 */
public final class LowFdProxyMain {

    private LowFdProxyMain() {
    }

    /** Entry point. */
    public static void main(final String[] args) throws Exception {
        final ConfigResult result = ConfigLoader.parse(Files.readString(Path.of(args[0])), args[0]);
        if (!result.ok()) {
            System.out.println("CONFIG " + result.errors());
            System.exit(2);
        }
        // Loaded now: once descriptors run out, not even a class file could be opened.
        final StatVisitor printer = new Printer();
        final ProxyServer server = ProxyServer.start(result.config());
        // One walk now, for the same reason: the stats path's classes (and string concatenation's) get loaded.
        server.stats().forEach(printer);
        System.out.println("END");
        System.out.println("PORT " + server.boundAddress("main").getPort());
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("stats")) {
                server.stats().forEach(printer);
                System.out.println("END");
                System.out.flush();
            }
        }
        server.close();
        System.exit(0);
    }

    /** Prints counters and gauges as {@code STAT <name> <value>}. */
    private static final class Printer implements StatVisitor {
        @Override
        public void counter(final String name, final long value) {
            System.out.println("STAT " + name + " " + value);
        }

        @Override
        public void gauge(final String name, final long value) {
            System.out.println("STAT " + name + " " + value);
        }

        @Override
        public void histogram(final String name, final Histogram h) {
            // counters and gauges only
        }
    }
}
