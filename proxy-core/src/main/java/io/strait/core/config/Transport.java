package io.strait.core.config;

/** Key {@code runtime.transport}. */
public enum Transport {
    /** Epoll where available, else NIO. */
    AUTO,
    EPOLL,
    IO_URING,
    NIO
}
