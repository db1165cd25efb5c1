package io.strait.core.cluster;

import io.strait.lb.HostSet;

/**
 * Called on the health thread or the DNS thread; implementations must not block (post a task to each loop). Hands a
 * cluster's new host snapshot to whoever builds load balancers from it (the proxy's event loops).
 */
@FunctionalInterface
public interface HostSetPublisher {

    /** {@code cluster}'s membership is now {@code set}. */
    void publish(Cluster cluster, HostSet set);
}
