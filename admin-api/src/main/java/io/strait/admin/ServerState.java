package io.strait.admin;

/** Immutable. Where the proxy is in its life, as {@code /ready} and {@code /server_info} report it. */
public enum ServerState {
    /** Starting: listeners not all bound yet; {@code /ready} answers 503. */
    STARTING,
    /** Serving traffic; {@code /ready} answers 200 {@code LIVE}. */
    SERVING,
    /** Draining (or failing health checks on purpose): {@code /ready} answers 503. */
    DRAINING
}
