package io.strait.server;

import io.strait.server.LauncherScript.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/strait run}'s class-data archive: the first run of a jar trains it, the next ones use it, and an archive
 * written by a run that never served (a usage or configuration error) is not used but trained again; while another
 * live process trains, a run neither trains nor uses the archive, and a lock left by a trainer that died is taken
 * over. Runs the real launcher script ({@link LauncherScript}).
 */
class LauncherArchiveTest {

    private static final String TRAIN = "-D" + TrainingMarker.PROPERTY + "=";
    private static final Pattern ANY_ARCHIVE_FLAG =
        Pattern.compile("SharedArchiveFile=|AOTCache=|AOTCacheOutput=|ArchiveClassesAtExit=");

    @TempDir
    Path dir;

    private Path jar;
    private Path cache;
    private Path failing;
    private Path serving;

    @BeforeEach
    void setUp() throws IOException {
        jar = LauncherScript.fakeJar(dir);
        cache = dir.resolve("cache");
        failing = Files.writeString(dir.resolve("fail.yaml"), "fail\n");
        serving = Files.writeString(dir.resolve("serve.yaml"), "serve\n");
    }

    @Test
    void anArchiveIsUsedOnlyOnceItsTrainingRunServed() throws Exception {
        final Run failed = run(failing);
        assertThat(failed.exit()).as(failed.output()).isEqualTo(2);
        assertThat(failed.output()).contains(TRAIN);
        assertThat(archives()).as("the JVM wrote an archive at exit").hasSize(1);
        assertThat(markers()).as("no marker: the run never served").isEmpty();

        final Run trained = run(serving);
        assertThat(trained.exit()).as(trained.output()).isZero();
        assertThat(trained.output()).as("the unmarked archive is trained again")
            .contains(TRAIN).doesNotContain("SharedArchiveFile=").doesNotContain("AOTCache=");
        assertThat(archives()).hasSize(1);
        assertThat(markers()).hasSize(1);

        final Run using = run(serving);
        assertThat(using.exit()).as(using.output()).isZero();
        assertThat(using.output()).doesNotContain(TrainingMarker.PROPERTY)
            .containsPattern("-XX:(SharedArchiveFile|AOTCache)=" + Pattern.quote(archives().get(0).toString()));
    }

    @Test
    void whileAnotherLiveProcessTrainsARunNeitherTrainsNorUsesTheArchive() throws Exception {
        final Path archive = trainedArchive();
        final Path lock = Files.createDirectories(Path.of(archive + ".training"));   // the last trainer's, or new
        Files.writeString(lock.resolve("pid"), ProcessHandle.current().pid() + "\n");   // this JVM: alive

        final Run beside = run(serving);
        assertThat(beside.exit()).as(beside.output()).isZero();
        assertThat(beside.output()).doesNotContain(TRAIN).doesNotContainPattern(ANY_ARCHIVE_FLAG);
        assertThat(lock).as("the live trainer's lock is left alone").exists();
        assertThat(archive).exists();
    }

    @Test
    void aLockLeftByATrainerThatDiedIsTakenOver() throws Exception {
        final Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        final Path archive = archivePathFromAFailedRun();
        final Path lock = Files.createDirectories(Path.of(archive + ".training"));   // the last trainer's, or new
        Files.writeString(lock.resolve("pid"), gone.pid() + "\n");

        final Run trained = run(serving);
        assertThat(trained.exit()).as(trained.output()).isZero();
        assertThat(trained.output()).as("trains in the dead trainer's place").contains(TRAIN);
        assertThat(Files.readString(lock.resolve("pid")).strip()).as("the lock now names the new trainer")
            .isNotEqualTo(Long.toString(gone.pid()));
        assertThat(markers()).hasSize(1);

        final Run using = run(serving);
        assertThat(using.output())
            .containsPattern("-XX:(SharedArchiveFile|AOTCache)=" + Pattern.quote(archive.toString()));
        assertThat(lock).as("the first run to use the archive drops the lock").doesNotExist();
    }

    @Test
    void strait_aot_offRunsWithoutAnyArchive() throws Exception {
        final Run off = LauncherScript.run(jar, cache, Map.of("STRAIT_AOT", "off"), "run", "-c", serving.toString());
        assertThat(off.exit()).as(off.output()).isZero();
        assertThat(off.output()).doesNotContain(TRAIN).doesNotContainPattern(ANY_ARCHIVE_FLAG);
        assertThat(Files.exists(cache) ? archives() : List.of()).isEmpty();
    }

    @Test
    void trainingDropsTheArchivesOfEarlierBuildsButTheNewestThree() throws Exception {
        Files.createDirectories(cache);
        final String ext = Runtime.version().feature() >= 25 ? "aot" : "jsa";
        final long now = System.currentTimeMillis();
        for (int i = 1; i <= 5; i++) {   // build 5 is the newest
            final Path old = Files.writeString(cache.resolve("strait-jdk0-" + i + "-" + i + "." + ext), "old");
            Files.createFile(Path.of(old + ".ok"));
            Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(now - (10 - i) * 60_000L));
        }
        final Path orphan = Files.createDirectories(cache.resolve("strait-jdk0-9-9." + ext + ".training"));
        Files.writeString(orphan.resolve("pid"), "999999999\n");   // no such process
        final Path held = Files.createDirectories(cache.resolve("strait-jdk0-1-1." + ext + ".training"));
        Files.writeString(held.resolve("pid"), ProcessHandle.current().pid() + "\n");   // a live trainer's

        final Run trained = run(serving);
        assertThat(trained.output()).contains(TRAIN);
        assertThat(cache.resolve("strait-jdk0-1-1." + ext)).as("a live trainer's archive stays").exists();
        assertThat(cache.resolve("strait-jdk0-2-2." + ext)).doesNotExist();
        assertThat(cache.resolve("strait-jdk0-2-2." + ext + ".ok")).doesNotExist();
        for (int i = 3; i <= 5; i++) {
            assertThat(cache.resolve("strait-jdk0-" + i + "-" + i + "." + ext)).as("one of the newest three").exists();
        }
        assertThat(orphan).as("a dead trainer's lock with no archive").doesNotExist();
        assertThat(archives()).as("the three newest, the live trainer's and the new one").hasSize(5);
    }

    /** The archive of the fake jar, trained and marked. */
    private Path trainedArchive() throws Exception {
        final Run trained = run(serving);
        assertThat(trained.output()).contains(TRAIN);
        assertThat(markers()).hasSize(1);
        return archives().get(0);
    }

    /** Where the fake jar's archive goes: the failed run writes one there (unmarked, so the next run trains anew). */
    private Path archivePathFromAFailedRun() throws Exception {
        assertThat(run(failing).exit()).isEqualTo(2);
        return archives().get(0);
    }

    private Run run(final Path config) throws IOException, InterruptedException {
        return LauncherScript.run(jar, cache, Map.of("STRAIT_PROFILE", "default"), "run", "-c", config.toString());
    }

    private List<Path> archives() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot")).toList();
        }
    }

    private List<Path> markers() throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.toString().endsWith(".ok")).toList();
        }
    }
}
