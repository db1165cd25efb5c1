package io.strait.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeakDetectionExtensionTest {

    @Test
    void recorderIsInstalledBeforeNettyBuffers() {
        assertThat(LeakDetectionExtension.isRecordingByteBufLeaks()).isTrue();
    }

    @Test
    void pooledBufferLeakedOnAnotherThreadFailsTheCheck() throws Exception {
        LeakDetectionExtension.check("before the deliberate leak"); // nothing earlier may be pending
        final String hint = "strait-deliberate-leak-pooled-" + System.nanoTime();
        final Thread child = new Thread(() -> leak(PooledByteBufAllocator.DEFAULT, hint), "leaker");
        child.start();
        child.join();

        assertThatThrownBy(() -> LeakDetectionExtension.check("the deliberate leak"))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("the deliberate leak")
            .hasMessageContaining(hint)
            .hasMessageContaining("LeakDetectionExtensionTest.leak");
        // the check drained what it reported: this class's afterAll (and the next class) see nothing
        assertThatCode(() -> LeakDetectionExtension.check("after draining")).doesNotThrowAnyException();
    }

    @Test
    void defaultAllocatorBufferLeakedInNestedCallIsCollected() {
        LeakDetectionExtension.check("before the deliberate leak");
        final String hint = "strait-deliberate-leak-default-" + System.nanoTime();
        leak(ByteBufAllocator.DEFAULT, hint);
        assertThat(LeakDetectionExtension.collectLeaks()).anySatisfy(l -> assertThat(l).contains(hint));
    }

    @Test
    void bufferStillReferencedIsNotReported() {
        final AtomicReference<ByteBuf> alive = new AtomicReference<>(PooledByteBufAllocator.DEFAULT.directBuffer(64));
        alive.get().writeLong(42).touch("strait-alive-buffer");
        try {
            assertThat(LeakDetectionExtension.collectLeaks()).noneSatisfy(l -> assertThat(l)
                .contains("strait-alive-buffer"));
            assertThat(alive.get().refCnt()).isEqualTo(1);
        } finally {
            alive.get().release();
        }
        assertThatCode(() -> LeakDetectionExtension.check("after releasing")).doesNotThrowAnyException();
    }

    /** Allocates, touches with {@code hint} and drops the buffer without releasing it. */
    private static void leak(final ByteBufAllocator allocator, final String hint) {
        final ByteBuf b = allocator.directBuffer(128);
        b.writeLong(7);
        b.touch(hint);
    }
}
