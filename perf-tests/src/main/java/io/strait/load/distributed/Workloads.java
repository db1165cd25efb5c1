package io.strait.load.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Thread-safe. The registry of {@link WorkloadFactory}s by name: the built-in {@code synthetic} one, those
 * registered with {@link #register}, and those found by {@link ServiceLoader}.
 */
public final class Workloads {

    private static final Map<String, WorkloadFactory> REGISTERED = new TreeMap<>();

    static {
        register(SyntheticWorkload.FACTORY);
        register(HttpWorkload.FACTORY);
    }

    private Workloads() {
    }

    /** Registers {@code factory} under its name, replacing any factory of the same name. */
    public static synchronized void register(final WorkloadFactory factory) {
        REGISTERED.put(factory.name(), factory);
    }

    /**
     * The factory named {@code name}: a registered one first, else one found by {@link ServiceLoader}.
     *
     * @throws IllegalArgumentException naming the known workloads when there is none of that name
     */
    public static synchronized WorkloadFactory lookup(final String name) {
        final WorkloadFactory registered = REGISTERED.get(name);
        if (registered != null) {
            return registered;
        }
        for (final WorkloadFactory factory : ServiceLoader.load(WorkloadFactory.class)) {
            if (factory.name().equals(name)) {
                return factory;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "', known: " + names());
    }

    /** The names of every workload available, sorted. */
    public static synchronized List<String> names() {
        final Map<String, WorkloadFactory> all = new TreeMap<>(REGISTERED);
        for (final WorkloadFactory factory : ServiceLoader.load(WorkloadFactory.class)) {
            all.putIfAbsent(factory.name(), factory);
        }
        return new ArrayList<>(all.keySet());
    }
}
