package io.strait.core.overload;

/**
 * Confined to the overload sampler thread (implementations read process-wide figures and may allocate). One
 * resource's use and budget; its pressure is {@code used() / max()}.
 */
public interface ResourceMonitor {

    /** What is in use now, in the resource's unit (bytes, connections, descriptors). */
    long used();

    /** The budget, in the same unit; 0 or less when unknown (the resource then has no pressure). */
    long max();
}
