package io.strait.core.listener;

import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DownstreamConnections}: one set for all listeners; a listener's connections are found by the listening
 * socket that accepted them; close-all closes every one.
 */
class DownstreamConnectionsTest {

    private static EmbeddedChannel acceptedOn(final Channel listening) {
        return new EmbeddedChannel(listening, DefaultChannelId.newInstance(), true, false);
    }

    @Test
    void aListenersConnectionsAreThoseAcceptedOnItsSockets() {
        final EmbeddedChannel socketA1 = new EmbeddedChannel();
        final EmbeddedChannel socketA2 = new EmbeddedChannel();
        final EmbeddedChannel socketB = new EmbeddedChannel();
        final DownstreamConnections all = new DownstreamConnections();
        final EmbeddedChannel a1 = acceptedOn(socketA1);
        final EmbeddedChannel a2 = acceptedOn(socketA2);
        final EmbeddedChannel b = acceptedOn(socketB);
        all.add(a1);
        all.add(a2);
        all.add(b);

        assertThat(all.size()).isEqualTo(3);
        assertThat(all).containsExactlyInAnyOrder(a1, a2, b);
        assertThat(all.acceptedOn(List.of(socketA1, socketA2))).containsExactlyInAnyOrder(a1, a2);
        assertThat(all.acceptedOn(Set.of(socketB))).containsExactly(b);

        all.remove(a2);
        assertThat(all.acceptedOn(List.of(socketA1, socketA2))).containsExactly(a1);
        all.remove(a1);
        all.remove(b);
        assertThat(all.isEmpty()).isTrue();
    }

    @Test
    void closeAllClosesEveryConnection() throws Exception {
        final DownstreamConnections all = new DownstreamConnections();
        final EmbeddedChannel listening = new EmbeddedChannel();
        final EmbeddedChannel a = acceptedOn(listening);
        final EmbeddedChannel b = acceptedOn(listening);
        all.add(a);
        all.add(b);

        all.closeAll(5, TimeUnit.SECONDS);

        assertThat(a.isOpen()).isFalse();
        assertThat(b.isOpen()).isFalse();
    }
}
