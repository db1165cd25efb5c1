package io.strait.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionTicketsTest {

    @TempDir
    Path dir;

    @Test
    void rotationKeepsTheKeysALiveTicketMayNeed() throws Exception {
        // lifetime 2h, rotation 1h: a ticket made just before a rotation lives up to 2h more, so 3 keys are kept.
        final SessionTickets t = new SessionTickets(new SessionTicketOptions(true, Duration.ofHours(2),
            Duration.ofHours(1), List.of()));
        assertThat(t.size()).isEqualTo(1);
        final byte[] first = t.currentKeyName();
        t.rotate();
        assertThat(t.currentKeyName()).isNotEqualTo(first);
        assertThat(t.size()).isEqualTo(2);
        t.rotate();
        t.rotate();
        t.rotate();
        assertThat(t.size()).isEqualTo(3);
    }

    @Test
    void aRotationIntervalOfZeroNeverRotates() throws Exception {
        final SessionTicketOptions o = new SessionTicketOptions(true, Duration.ofMinutes(5), Duration.ZERO, List.of());
        assertThat(o.rotates()).isFalse();
        final SessionTickets t = new SessionTickets(o);
        t.rotate();
        assertThat(t.size()).as("rotate() keeps only the new key").isEqualTo(1);
    }

    @Test
    void keyFilesInNginxLayoutAreReadInOrder() throws Exception {
        final byte[] a = new byte[48];
        final byte[] b = new byte[48];
        for (int i = 0; i < 48; i++) {
            a[i] = (byte) i;
            b[i] = (byte) (100 + i);
        }
        final Path fa = Files.write(dir.resolve("a.key"), a);
        final Path fb = Files.write(dir.resolve("b.key"), b);
        final SessionTickets t = new SessionTickets(new SessionTicketOptions(true, Duration.ofMinutes(5),
            Duration.ofHours(1), List.of(fa, fb)));
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.currentKeyName()).as("the first file's first 16 bytes name the encrypting key")
            .isEqualTo(Arrays.copyOfRange(a, 0, 16));
        assertThat(t.options().rotates()).isFalse();
        t.rotate();
        assertThat(t.currentKeyName()).as("files are not rotated here").isEqualTo(Arrays.copyOfRange(a, 0, 16));

        Files.write(fa, b);
        t.reloadFiles();
        assertThat(t.currentKeyName()).isEqualTo(Arrays.copyOfRange(b, 0, 16));
    }

    @Test
    void aKeyFileOfTheWrongSizeIsRefusedNamingIt() throws Exception {
        final Path good = Files.write(dir.resolve("good.key"), new byte[48]);
        final Path bad = Files.write(dir.resolve("bad.key"), new byte[80]);
        assertThatThrownBy(() -> new SessionTickets(new SessionTicketOptions(true, Duration.ofMinutes(5),
            Duration.ofHours(1), List.of(good, bad))))
            .isInstanceOf(TlsConfigException.class)
            .hasMessageContaining("80 bytes")
            .satisfies(e -> assertThat(((TlsConfigException) e).field()).isEqualTo("session_tickets.key_files[1]"));
        assertThatThrownBy(() -> new SessionTickets(new SessionTicketOptions(true, Duration.ofMinutes(5),
            Duration.ofHours(1), List.of(dir.resolve("missing.key")))))
            .isInstanceOf(TlsConfigException.class)
            .hasMessageContaining("cannot read");
    }

    @Test
    void lifetimesBeyondSevenDaysAreRefused() {
        assertThatThrownBy(() -> new SessionTicketOptions(true, Duration.ofDays(8), Duration.ofHours(1), List.of()))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionTicketOptions(true, Duration.ZERO, Duration.ofHours(1), List.of()))
            .isInstanceOf(IllegalArgumentException.class);
    }
}
