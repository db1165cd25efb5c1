package io.strait.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps proxy-core's layering honest (DESIGN.md): the protocol layer (codecs and the neutral HTTP model)
 * knows nothing of routing, clusters, the proxy or configuration; routing works on neutral events, never
 * on a codec's types. Reads the imports of the main sources.
 */
class PackageBoundaryTest {

    private static final Path MAIN = Path.of("src/main/java/io/strait/core");

    @Test
    void codecsAndTheHttpModelDoNotSeePolicy() throws IOException {
        final List<String> forbidden = List.of("io.strait.core.route", "io.strait.core.cluster",
            "io.strait.core.server", "io.strait.core.listener", "io.strait.core.exchange", "io.strait.core.snapshot",
            "io.strait.core.upstream", "io.strait.core.config", "io.strait.core.stats", "io.strait.lb");
        assertThat(violations(MAIN.resolve("codec"), forbidden)).isEmpty();
        assertThat(violations(MAIN.resolve("http"), forbidden)).isEmpty();
    }

    @Test
    void policyDoesNotSeeCodecTypes() throws IOException {
        final List<String> forbidden = List.of("io.strait.core.codec");
        assertThat(violations(MAIN.resolve("route"), forbidden)).isEmpty();
        assertThat(violations(MAIN.resolve("cluster"), forbidden)).isEmpty();
    }

    /**
     * The request path's packages in the order a request flows, each above the ones it may use: a package imports
     * only packages later in this list (the server builds listeners; a listener's connections run exchanges; an
     * exchange reads its loop's snapshot state and runs upstream attempts; the overload state a loop reads sits below
     * the snapshot; all of them read the clock).
     */
    private static final List<String> REQUEST_PATH = List.of("server", "listener", "exchange", "snapshot", "overload",
        "upstream", "time");

    @Test
    void theRequestPathOnlyLooksDown() throws IOException {
        for (int i = 1; i < REQUEST_PATH.size(); i++) {
            final List<String> above = REQUEST_PATH.subList(0, i).stream().map(p -> "io.strait.core." + p).toList();
            assertThat(violations(MAIN.resolve(REQUEST_PATH.get(i)), above))
                .as("%s imports a package above it", REQUEST_PATH.get(i)).isEmpty();
        }
    }

    @Test
    void theCheckSeesRealImports() throws IOException {
        // Guards the test itself: the listener package does import codecs (it composes the pipeline), and the
        // server imports the listener.
        assertThat(violations(MAIN.resolve("listener"), List.of("io.strait.core.codec"))).isNotEmpty();
        assertThat(violations(MAIN.resolve("server"), List.of("io.strait.core.listener"))).isNotEmpty();
    }

    private static List<String> violations(final Path dir, final List<String> forbidden) throws IOException {
        final List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                for (final String line : Files.readAllLines(f)) {
                    if (line.startsWith("import ")) {
                        for (final String prefix : forbidden) {
                            if (line.contains(" " + prefix + ".") || line.contains(" static " + prefix + ".")) {
                                found.add(f.getFileName() + ": " + line);
                            }
                        }
                    }
                }
            }
        }
        return found;
    }
}
