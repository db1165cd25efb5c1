package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import java.util.SplittableRandom;

/**
 * Confined to its event loop. Round robin over the eligible hosts, ignoring weights (other than 0, never picked),
 * starting at a seed-derived host so that several loops over the same hosts do not move in lockstep.
 */
final class RoundRobinLoadBalancer extends BaseLoadBalancer {

    private int next;

    RoundRobinLoadBalancer(final HostSet set, final long seed) {
        super(set);
        this.next = hosts.length == 0 ? 0 : new SplittableRandom(seed).nextInt(hosts.length);
    }

    @Override
    public Host pick(final long hash) {
        final Host[] hs = hosts;
        if (hs.length == 0) {
            return null;
        }
        final int i = next;
        next = i + 1 == hs.length ? 0 : i + 1;
        return hs[i];
    }
}
