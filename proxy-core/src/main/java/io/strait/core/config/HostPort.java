package io.strait.core.config;

import java.net.InetSocketAddress;

/** A {@code host:port} address as written in the config ({@code [::1]:80} for IPv6). Immutable. */
public record HostPort(String host, int port) {

    /** A resolved socket address (resolves a name once; call off the event loops). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
