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
            "io.strait.core.proxy", "io.strait.core.config", "io.strait.core.stats", "io.strait.lb");
        assertThat(violations(MAIN.resolve("codec"), forbidden)).isEmpty();
        assertThat(violations(MAIN.resolve("http"), forbidden)).isEmpty();
    }

    @Test
    void policyDoesNotSeeCodecTypes() throws IOException {
        final List<String> forbidden = List.of("io.strait.core.codec");
        assertThat(violations(MAIN.resolve("route"), forbidden)).isEmpty();
        assertThat(violations(MAIN.resolve("cluster"), forbidden)).isEmpty();
    }

    @Test
    void theCheckSeesRealImports() throws IOException {
        // Guards the test itself: the proxy package does import codecs (it composes the pipeline).
        assertThat(violations(MAIN.resolve("proxy"), List.of("io.strait.core.codec"))).isNotEmpty();
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
