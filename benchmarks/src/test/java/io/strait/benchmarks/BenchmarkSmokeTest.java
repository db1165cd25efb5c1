package io.strait.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark once, in-process, so the benchmarks cannot rot: a benchmark whose setup throws, whose
 * {@code @Param} values no longer parse, or whose method fails, fails {@code mvn verify}. The benchmarks are read from
 * the {@code META-INF/BenchmarkList} the JMH annotation processor generates, so a new benchmark is covered without
 * touching this test. Each class runs with the first value of each of its parameters, no warm-up and one 50 ms
 * iteration ({@code forks(0)}: in the surefire JVM, whose argLine carries the {@code --add-exports} Agrona needs).
 * The scores mean nothing; only that every method produced a finite positive one.
 */
class BenchmarkSmokeTest {

    /** The benchmark classes present when this test was written; fewer means the list was not generated or read. */
    private static final int MIN_CLASSES = 6;

    static {
        // JMH takes /tmp/jmh.lock so that two measurements do not disturb each other; a smoke run measures nothing,
        // and a second build on the machine (CI beside a developer's verify) must not fail it.
        System.setProperty("jmh.ignoreLock", "true");
    }

    @TestFactory
    Stream<DynamicTest> everyBenchmarkClassRuns() throws IOException {
        final Map<String, List<BenchmarkListEntry>> byClass = new TreeMap<>();
        for (final BenchmarkListEntry e : benchmarkList()) {
            byClass.computeIfAbsent(e.getUserClassQName(), k -> new ArrayList<>()).add(e);
        }
        assertThat(byClass).as("benchmark classes in META-INF/BenchmarkList").hasSizeGreaterThanOrEqualTo(MIN_CLASSES);
        return byClass.entrySet().stream()
            .map(c -> DynamicTest.dynamicTest(simpleName(c.getKey()), () -> runClass(c.getKey(), c.getValue())));
    }

    private static void runClass(final String className, final List<BenchmarkListEntry> entries)
            throws RunnerException {
        final ChainedOptionsBuilder options = new OptionsBuilder()
            .include("^" + Pattern.quote(className + ".") + "\\w+$")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(50))
            .threads(1)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.NORMAL);
        final Set<String> methods = new TreeSet<>();
        // One value per parameter: OptionsBuilder.param appends, so a name seen in several methods is set once.
        final Map<String, String> firstValues = new TreeMap<>();
        for (final BenchmarkListEntry e : entries) {
            methods.add(e.getUsername());
            if (e.getParams().hasValue()) {
                for (final Map.Entry<String, String[]> p : e.getParams().get().entrySet()) {
                    if (p.getValue().length > 0) {
                        firstValues.putIfAbsent(p.getKey(), p.getValue()[0]);
                    }
                }
            }
        }
        firstValues.forEach(options::param);
        final Collection<RunResult> results = new Runner(options.build()).run();
        assertThat(results).as("one run per benchmark method of %s", className).hasSize(methods.size());
        final Set<String> ran = new TreeSet<>();
        for (final RunResult r : results) {
            final String name = r.getParams().getBenchmark();
            final double score = r.getPrimaryResult().getScore();
            assertThat(score).as("score of %s %s", name, r.getParams()).isFinite().isPositive();
            ran.add(name);
        }
        assertThat(ran).as("benchmarks of %s that produced a result", className).isEqualTo(methods);
    }

    /** Every entry of every {@code META-INF/BenchmarkList} on the class path (main classes and, if any, tests). */
    private static List<BenchmarkListEntry> benchmarkList() throws IOException {
        final List<BenchmarkListEntry> all = new ArrayList<>();
        final Enumeration<URL> lists = BenchmarkSmokeTest.class.getClassLoader()
            .getResources(BenchmarkList.BENCHMARK_LIST.substring(1));
        while (lists.hasMoreElements()) {
            try (InputStream in = lists.nextElement().openStream()) {
                all.addAll(BenchmarkList.readBenchmarkList(in));
            }
        }
        return all;
    }

    private static String simpleName(final String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
