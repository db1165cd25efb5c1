package io.strait.load.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class EmbeddedAeronTest {

    @Test
    void carriesAMessageLargerThanTheMtuOverUdpInFragmentsAndDeletesItsDirectory() {
        final String endpoint = "127.0.0.1:" + FreePorts.udp();
        final Histogram histogram = new Histogram(3);
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            // Log-uniform from 50 us to ~1 s with random counts: compresses badly, like a real wide distribution.
            histogram.recordValueWithCount((long) (50 * Math.pow(2, random.nextDouble(14))), random.nextInt(1, 100));
        }
        final Message.Interval sent = new Message.Interval(3L, 1, 10L, 20L, histogram.getTotalCount(), 0L, histogram);
        final MessageCodec codec = new MessageCodec();
        final int length = codec.encode(sent);
        assertThat(length).as("must span several UDP frames").isGreaterThan(3 * 1408);

        final String dir;
        try (EmbeddedAeron aeron = EmbeddedAeron.launch("test", EmbeddedAeron.DEFAULT_TERM_LENGTH);
             Subscription subscription = aeron.aeron().addSubscription(aeron.channel(endpoint), 7);
             Publication publication = aeron.aeron().addPublication(aeron.channel(endpoint), 7)) {
            dir = aeron.aeron().context().aeronDirectoryName();
            assertThat(new File(dir)).isDirectory();
            assertThat(EmbeddedAeron.offer(publication, codec.buffer(), length, 5_000)).isNull();

            final List<Message> received = new ArrayList<>();
            final FragmentAssembler assembler = new FragmentAssembler(
                    (buffer, offset, fragmentLength, header) -> received.add(
                            MessageCodec.decode(buffer, offset, fragmentLength)));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (received.isEmpty() && System.nanoTime() < deadline) {
                if (subscription.poll(assembler, 10) == 0) {
                    Thread.onSpinWait();
                }
            }
            assertThat(received).containsExactly(sent);
        }
        assertThat(new File(dir)).doesNotExist();
    }

    @Test
    void refusesAMessageLongerThanTheTermAllows() {
        final String endpoint = "127.0.0.1:" + FreePorts.udp();
        try (EmbeddedAeron aeron = EmbeddedAeron.launch("test", 64 * 1024);
             Publication publication = aeron.aeron().addPublication(aeron.channel(endpoint), 7)) {
            final MessageCodec codec = new MessageCodec();
            final int length = codec.encode(new Message.Abort(1L, "x".repeat(9_000)));
            assertThat(EmbeddedAeron.offer(publication, codec.buffer(), length, 100))
                    .contains("exceeds the maximum of 8192").contains("--term-length");
            final int small = codec.encode(new Message.Ack(1L, 0));
            assertThat(EmbeddedAeron.offer(publication, codec.buffer(), small, 100))
                    .contains("timed out").contains("NOT_CONNECTED");
        }
    }

    @Test
    void checksEndpoints() {
        assertThat(EmbeddedAeron.checkEndpoint("127.0.0.1:40101")).isEqualTo("127.0.0.1:40101");
        for (final String bad : List.of("127.0.0.1", ":1", "host:", "host:x", "host:70000")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedAeron.checkEndpoint(bad))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
