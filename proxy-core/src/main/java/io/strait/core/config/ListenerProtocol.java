package io.strait.core.config;

/** Key {@code protocol} of a listener. */
public enum ListenerProtocol {
    HTTP,
    TCP
}
