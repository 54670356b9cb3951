package io.lakebase.spring.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * The command-line options of the harness.
 *
 * @param smoke whether to run the seconds-long smoke mode instead of the full one
 * @param credentialLatency the latency injected into every credential API call
 * @param output where the markdown results are written
 * @param help whether only the usage was asked for
 * @param arguments the options as given, for the command that reproduces the run
 */
record BenchmarkOptions(boolean smoke, Duration credentialLatency, Path output, boolean help, List<String> arguments) {

	static final Duration DEFAULT_LATENCY = Duration.ofMillis(100);

	static final String USAGE = """
			Usage: LakebaseBenchmarks [--smoke] [--latency=100ms] [--output=PATH]
			  --smoke          run for seconds only, to check that the harness works (figures are not meaningful)
			  --latency=TIME   latency added to every credential API call (default 100ms; 250ms, 1s, PT0.5S...)
			  --output=PATH    markdown file to write (default RESULTS.md, or target/RESULTS-smoke.md with --smoke)
			""";

	/**
	 * Parses the options. Blank arguments are ignored, so that an empty Maven property passes
	 * nothing; a later option wins over an earlier one.
	 * @param args the command-line arguments
	 * @return the options
	 * @throws IllegalArgumentException for an unknown option or a bad value
	 */
	static BenchmarkOptions parse(String... args) {
		boolean smoke = false;
		boolean help = false;
		Duration latency = DEFAULT_LATENCY;
		@Nullable Path output = null;
		List<String> given = new ArrayList<>();
		for (String arg : args) {
			if (arg == null || arg.isBlank()) {
				continue;
			}
			given.add(arg);
			if (arg.equals("--smoke")) {
				smoke = true;
			}
			else if (arg.equals("--help") || arg.equals("-h")) {
				help = true;
			}
			else if (arg.startsWith("--latency=")) {
				latency = parseLatency(arg.substring("--latency=".length()));
			}
			else if (arg.startsWith("--output=") && arg.length() > "--output=".length()) {
				output = Path.of(arg.substring("--output=".length()));
			}
			else {
				throw new IllegalArgumentException("Unknown option '" + arg + "'");
			}
		}
		if (output == null) {
			output = smoke ? Path.of("target", "RESULTS-smoke.md") : Path.of("RESULTS.md");
		}
		return new BenchmarkOptions(smoke, latency, output, help, List.copyOf(given));
	}

	RunPlan plan() {
		return this.smoke ? RunPlan.smoke() : RunPlan.full();
	}

	private static Duration parseLatency(String value) {
		Duration latency;
		try {
			latency = DurationStyle.detectAndParse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("'" + value + "' is not a duration (try 100ms, 1s or PT0.25S)", ex);
		}
		if (latency.isNegative()) {
			throw new IllegalArgumentException("The credential latency must not be negative, got " + value);
		}
		return latency;
	}

}
