package io.strait.load.distributed;

/**
 * Thread-safe. Creates a named {@link Workload}; the agent's {@code --workload NAME} picks one. Register a factory with
 * {@link Workloads#register(WorkloadFactory)} or as a {@code java.util.ServiceLoader} service
 * ({@code META-INF/services/io.strait.load.distributed.WorkloadFactory}).
 */
public interface WorkloadFactory {

    /** The name the agent's {@code --workload} option selects, e.g. {@code synthetic}. */
    String name();

    /** A new workload for one run. */
    Workload create();
}
