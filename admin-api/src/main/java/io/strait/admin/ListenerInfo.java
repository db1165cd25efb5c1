package io.strait.admin;

/**
 * Immutable. One listener as {@code /listeners} shows it.
 *
 * @param name     the listener's name
 * @param host     the address it is bound to
 * @param port     the port it is bound to (the real one when the config said 0)
 * @param protocol {@code http} or {@code tcp}
 * @param tls      true when it terminates TLS
 */
public record ListenerInfo(String name, String host, int port, String protocol, boolean tls) {
}
