package io.strait.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class TrainingMarkerTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(TrainingMarker.PROPERTY);
    }

    @Test
    void writesTheMarkerTheLauncherNamed() {
        final Path marker = dir.resolve("strait-jdk17-1-2.jsa.ok");
        System.setProperty(TrainingMarker.PROPERTY, marker.toString());

        TrainingMarker.serving();

        assertThat(marker).exists();
    }

    @Test
    void writesNothingWithoutTheProperty() throws Exception {
        TrainingMarker.serving();

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMarkerThatCannotBeWrittenIsNoError() {
        System.setProperty(TrainingMarker.PROPERTY, dir.resolve("missing/dir/x.ok").toString());

        assertThatCode(TrainingMarker::serving).doesNotThrowAnyException();
        assertThat(dir.resolve("missing")).doesNotExist();
    }
}
