package io.strait.lb.algorithm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XxHash64Test {

    private static long xxh64(final String s, final long seed) {
        final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return XxHash64.hash(b, 0, b.length, seed);
    }

    @Test
    void matchesTheReferenceOnEveryInputLengthPath() {
        // Published XXH64 vectors (xxHash's, LLVM's and Envoy's tests): empty, 1 byte (byte tail), 3 bytes, 31 bytes
        // (8-, 4- and 1-byte tails), 36 bytes (one 32-byte stripe and a 4-byte tail).
        assertThat(xxh64("", 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(xxh64("a", 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(xxh64("foo", 0)).isEqualTo(0x33BF00A859C4BA3FL);
        assertThat(xxh64("bar", 0)).isEqualTo(0x48A37C90AD27A659L);
        assertThat(xxh64("abcdefghijklmnopqrstuvwxyz12345", 0)).isEqualTo(0x467605901B01D6F6L);
        assertThat(xxh64("0123456789abcdefghijklmnopqrstuvwxyz", 0)).isEqualTo(0x69196C1B3AF0BFF9L);
        assertThat(xxh64("", 668_718_853)).isEqualTo(0x04E830582A31A119L);
        assertThat(xxh64("a", 191_961_062)).isEqualTo(0x6E05BA2887C97977L);
        assertThat(xxh64("abcdefghijklmnopqrstuvwxyz12345", 877_380_273)).isEqualTo(0x37B562EC5715E132L);
    }

    @Test
    void hashesARangeOfALargerArray() {
        final byte[] b = "xx0123456789abcdefghijklmnopqrstuvwxyzyy".getBytes(StandardCharsets.US_ASCII);
        assertThat(XxHash64.hash(b, 2, 36, 0)).isEqualTo(0x69196C1B3AF0BFF9L);
    }

    @Test
    void hashOfALongIsTheHashOfItsLittleEndianBytes() {
        assertThat(XxHash64.hashLong(0, 0)).isEqualTo(0x34C96ACDCADB1BBBL);
        assertThat(XxHash64.hashLong(0xC20369A413E28FC1L, 0)).isEqualTo(0xE887D97F3EFE7B44L);
        final byte[] b = {1, 2, 3, 4, 5, 6, 7, (byte) 0x88};
        assertThat(XxHash64.hashLong(0x8807060504030201L, 5)).isEqualTo(XxHash64.hash(b, 0, 8, 5));
    }
}
