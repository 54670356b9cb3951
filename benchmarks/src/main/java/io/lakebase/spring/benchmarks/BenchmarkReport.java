package io.lakebase.spring.benchmarks;

import java.util.List;

/**
 * The outcome of a run: the measurements, the figures made of them and their markdown.
 *
 * @param results the measurements
 * @param figures the rows of the table
 * @param markdown the markdown written to the output file
 */
record BenchmarkReport(BenchmarkResults results, List<Figure> figures, String markdown) {

}
