package io.strait.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ConfigWatcher}: a reload per new content, none for the same content or a touch, one try per bad content. */
class ConfigWatcherTest {

    @TempDir
    Path dir;

    @Test
    void asksForAReloadOncePerNewContent() throws Exception {
        final Path file = Files.writeString(dir.resolve("strait.yaml"), "a: 1\n");
        final List<Path> reloads = new ArrayList<>();
        final ConfigWatcher w = new ConfigWatcher(file, reloads::add);
        assertThat(w.poll()).as("the content the server started with").isFalse();

        Files.writeString(file, "a: 2\n");
        assertThat(w.poll()).isTrue();
        assertThat(w.poll()).as("the same content again").isFalse();
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(w.poll()).as("touched, not changed").isFalse();

        // An atomic replace by rename (editors, ConfigMap symlink swaps) is a change too.
        final Path next = Files.writeString(dir.resolve("next.yaml"), "a: 3\n");
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(w.poll()).isTrue();
        assertThat(reloads).containsExactly(file, file);
    }

    @Test
    void aFileThatCannotBeReadIsSkippedAndAFailingReloadIsNotRetried() throws Exception {
        final Path file = Files.writeString(dir.resolve("strait.yaml"), "a: 1\n");
        final List<Path> reloads = new ArrayList<>();
        final ConfigWatcher w = new ConfigWatcher(file, p -> {
            reloads.add(p);
            throw new IllegalStateException("invalid");
        });
        Files.delete(file);
        assertThat(w.poll()).as("missing for now").isFalse();
        Files.writeString(file, "broken: [\n");
        assertThat(w.poll()).isTrue();
        assertThat(w.poll()).as("the same bad content is tried once").isFalse();
        assertThat(reloads).hasSize(1);
    }

    @Test
    void intervalsParseAndNonsenseDoesNot() {
        assertThat(RunCommand.parseInterval("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RunCommand.parseInterval("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(RunCommand.parseInterval("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(RunCommand.parseInterval("5ms")).as("below 10 ms").isNull();
        assertThat(RunCommand.parseInterval("soon")).isNull();
    }
}
