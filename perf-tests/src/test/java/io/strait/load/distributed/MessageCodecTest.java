package io.strait.load.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec();

    private Message roundTrip(final Message message) {
        final int length = codec.encode(message);
        // Decode from a copy at a non-zero offset, as Aeron hands fragments over.
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[length + 13]);
        copy.putBytes(13, codec.buffer(), 0, length);
        return MessageCodec.decode(copy, 13, length);
    }

    @Test
    void roundTripsEveryControlMessage() {
        final List<Message> messages = List.of(
                new Message.Hello(42L, 3, "10.0.0.5:40100"),
                new Message.Ready(-7L, 1, "agent-ü/127.0.0.1:40101", "synthetic"),
                new Message.Start(Long.MAX_VALUE, 1_700_000_000_123L, List.of("--duration", "3s", "", "ß")),
                new Message.Start(1L, 5L, List.of()),
                new Message.Done(9L, 2, 3, 3000, 12, 3000, true, ""),
                new Message.Done(9L, 0, 1, 10, 10, 10, false, "workload failed: boom"),
                new Message.Ack(11L, 4),
                new Message.Abort(12L, "agent #1 at 127.0.0.1:1 silent for 10000 ms"));
        for (final Message message : messages) {
            assertThat(roundTrip(message)).isEqualTo(message);
        }
    }

    @Test
    void roundTripsAnIntervalWithItsHistogram() {
        final Histogram histogram = new Histogram(60_000_000L, 3);
        for (long v = 1; v < 50_000; v += 7) {
            histogram.recordValue(v);
        }
        histogram.recordValueWithCount(59_000_000L, 5);
        final Message.Interval interval = new Message.Interval(77L, 1, 1_000L, 2_000L, 7_200L, 3L, histogram);

        final Message.Interval decoded = (Message.Interval) roundTrip(interval);

        assertThat(decoded.runId()).isEqualTo(77L);
        assertThat(decoded.agentIndex()).isEqualTo(1);
        assertThat(decoded.intervalStartEpochMillis()).isEqualTo(1_000L);
        assertThat(decoded.intervalEndEpochMillis()).isEqualTo(2_000L);
        assertThat(decoded.requests()).isEqualTo(7_200L);
        assertThat(decoded.errors()).isEqualTo(3L);
        assertThat(decoded.histogram()).isEqualTo(histogram);
        assertThat(decoded.histogram().getTotalCount()).isEqualTo(histogram.getTotalCount());
        assertThat(decoded.histogram().getValueAtPercentile(99.9)).isEqualTo(histogram.getValueAtPercentile(99.9));
    }

    @Test
    void roundTripsAnEmptyHistogram() {
        final Histogram empty = new Histogram(3);
        final Message.Interval decoded = (Message.Interval) roundTrip(new Message.Interval(1, 0, 0, 1, 0, 0, empty));
        assertThat(decoded.histogram().getTotalCount()).isZero();
    }

    @Test
    void reusesItsBuffersAcrossMessagesOfDifferentSizes() {
        final Histogram big = new Histogram(3);
        for (long v = 1; v < 2_000_000; v += 997) {
            big.recordValue(v);
        }
        assertThat(roundTrip(new Message.Interval(1, 0, 0, 1, 1, 0, big))).isEqualTo(
                new Message.Interval(1, 0, 0, 1, 1, 0, big));
        assertThat(roundTrip(new Message.Ack(2, 0))).isEqualTo(new Message.Ack(2, 0));
    }

    @Test
    void rejectsTruncatedMessages() {
        final int length = codec.encode(new Message.Ready(5L, 1, "agent", "synthetic"));
        for (int cut = 0; cut < length; cut++) {
            final int truncated = cut;
            assertThatThrownBy(() -> MessageCodec.decode(codec.buffer(), 0, truncated))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectsTrailingBytesAnotherVersionAndUnknownTypes() {
        final int length = codec.encode(new Message.Ack(5L, 1));
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[length + 1]);
        copy.putBytes(0, codec.buffer(), 0, length);

        assertThatThrownBy(() -> MessageCodec.decode(copy, 0, length + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
        copy.putByte(1, (byte) 99);
        assertThatThrownBy(() -> MessageCodec.decode(copy, 0, length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type 99");
        copy.putByte(0, (byte) 2);
        assertThatThrownBy(() -> MessageCodec.decode(copy, 0, length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
    }

    @Test
    void rejectsACorruptHistogram() {
        final Histogram histogram = new Histogram(3);
        histogram.recordValue(100);
        final int length = codec.encode(new Message.Interval(1, 0, 0, 1, 1, 0, histogram));
        final UnsafeBuffer copy = new UnsafeBuffer(new byte[length]);
        copy.putBytes(0, codec.buffer(), 0, length);
        copy.putByte(length - 3, (byte) (copy.getByte(length - 3) ^ 0x5a));
        copy.putByte(length - 4, (byte) (copy.getByte(length - 4) ^ 0x5a));

        assertThatThrownBy(() -> MessageCodec.decode(copy, 0, length))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("histogram");
    }
}
