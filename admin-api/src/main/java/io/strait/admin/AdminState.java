package io.strait.admin;

/** Confined to the admin thread. What the admin itself remembers of the operator's actions: the health-check flag. */
final class AdminState {

    private boolean healthCheckFailed;

    boolean healthCheckFailed() {
        return healthCheckFailed;
    }

    void healthCheckFailed(final boolean failed) {
        healthCheckFailed = failed;
    }

    /** The target's state, except that a failed health check reads as draining (as in Envoy). */
    ServerState effective(final ServerState target) {
        return healthCheckFailed && target == ServerState.SERVING ? ServerState.DRAINING : target;
    }
}
