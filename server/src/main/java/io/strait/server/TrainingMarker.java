package io.strait.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells {@code bin/strait} that a run training the class-data archive got as far as serving. The JVM writes the
 * archive whenever the process exits, also after a usage or configuration error, when it holds little more than
 * the command-line parser; the launcher uses an archive only once this marker exists beside it, and trains again
 * otherwise. The marker's path comes from the system property {@link #PROPERTY}, which only the launcher sets.
 */
final class TrainingMarker {

    /** The marker file's path, set by the launcher on a training run. */
    static final String PROPERTY = "strait.classCacheTrained";

    private static final Logger LOG = LoggerFactory.getLogger(TrainingMarker.class);

    private TrainingMarker() {
    }

    /** Creates the marker named by {@link #PROPERTY}, if set; a marker that cannot be written only means no archive. */
    static void serving() {
        final String path = System.getProperty(PROPERTY);
        if (path == null || path.isEmpty()) {
            return;
        }
        try {
            Files.write(Path.of(path), new byte[0]);
        } catch (final IOException | RuntimeException e) {
            LOG.debug("class-data archive marker {} not written: {}", path, e.toString());
        }
    }
}
