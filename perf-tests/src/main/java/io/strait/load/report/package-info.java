/**
 * Rendering of load results: HdrHistogram percentile files and self-contained HTML reports with inline SVG
 * charts (no script, nothing fetched).
 *
 * <p>Threading: used from one thread after a run.
 */
package io.strait.load.report;
