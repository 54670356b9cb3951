package io.lakebase.spring.benchmarks;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link BenchmarkOptions}.
 */
class BenchmarkOptionsTests {

	@Test
	void whenNothingIsGivenThenFullRunWithDefaultLatencyToResultsFile() {
		BenchmarkOptions options = BenchmarkOptions.parse();
		assertThat(options.smoke()).isFalse();
		assertThat(options.credentialLatency()).isEqualTo(Duration.ofMillis(100));
		assertThat(options.output()).isEqualTo(Path.of("RESULTS.md"));
		assertThat(options.arguments()).isEmpty();
	}

	@Test
	void whenBlankArgumentsAreGivenThenTheyAreIgnored() {
		// An empty -Dbenchmarks.args reaches the harness as one blank argument.
		assertThat(BenchmarkOptions.parse("", " ").arguments()).isEmpty();
	}

	@Test
	void whenSmokeIsGivenThenOutputGoesUnderTarget() {
		BenchmarkOptions options = BenchmarkOptions.parse("--smoke");
		assertThat(options.smoke()).isTrue();
		assertThat(options.output()).isEqualTo(Path.of("target", "RESULTS-smoke.md"));
		assertThat(options.plan()).isEqualTo(RunPlan.smoke());
	}

	@Test
	void whenLatencyAndOutputAreGivenThenTheyAreUsedAndKeptForTheReproduceCommand() {
		BenchmarkOptions options = BenchmarkOptions.parse("--latency=250ms", "--output=out.md");
		assertThat(options.credentialLatency()).isEqualTo(Duration.ofMillis(250));
		assertThat(options.output()).isEqualTo(Path.of("out.md"));
		assertThat(MarkdownReport.reproduceCommand(options.arguments())).isEqualTo(
				"mvn -B -pl benchmarks -am -DskipTests install && mvn -B -pl benchmarks exec:exec "
						+ "-Dbenchmarks.args=\"--latency=250ms --output=out.md\"");
	}

	@Test
	void whenLatencyIsIso8601ThenItIsParsed() {
		assertThat(BenchmarkOptions.parse("--latency=PT0.5S").credentialLatency()).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void whenLatencyIsNotADurationThenParsingFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--latency=slow"))
			.withMessageContaining("'slow' is not a duration");
	}

	@Test
	void whenOptionIsUnknownThenParsingFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> BenchmarkOptions.parse("--fast"))
			.withMessage("Unknown option '--fast'");
	}

}
