package io.lakebase.spring.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.lakebase.local.Identity;
import io.lakebase.local.LocalLakebase;

/**
 * Compares, in one run on a local Lakebase with a slow credential API, the Databricks guide's
 * per-connection credential pattern (A), the starter (B) and a static password (C), then the
 * starter's connections on behalf of users against the service principal's own, then PgJDBC's
 * authentication plugin against the starter, and writes the figures as a markdown table.
 *
 * @see BenchmarkOptions#USAGE
 */
public final class LakebaseBenchmarks {

	/**
	 * The lifetime of every database credential, the emulator's and the starter's default.
	 */
	static final Duration TOKEN_LIFETIME = Duration.ofHours(1);

	private static final long LOADED_AT = System.nanoTime();

	private LakebaseBenchmarks() {
	}

	public static void main(String[] args) throws Exception {
		BenchmarkOptions options;
		try {
			options = BenchmarkOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(BenchmarkOptions.USAGE);
			System.exit(2);
			return;
		}
		if (options.help()) {
			System.out.print(BenchmarkOptions.USAGE);
			return;
		}
		BenchmarkReport report = run(options);
		System.out.println(report.markdown());
		progress("written to " + options.output().toAbsolutePath().normalize());
	}

	/**
	 * Runs every figure and writes the markdown to the output file of the options.
	 * @param options the options
	 * @return the report
	 * @throws Exception if a figure cannot be measured
	 */
	static BenchmarkReport run(BenchmarkOptions options) throws Exception {
		RunPlan plan = options.plan();
		MachineDescription machine = MachineDescription.current();
		Instant startedAt = Instant.now();
		long start = System.nanoTime();
		BenchmarkResults results;
		progress("starting a local Lakebase");
		LocalLakebase.Builder emulator = LocalLakebase.builder()
			.tokenLifetime(TOKEN_LIFETIME)
			// First, the service principal A, B and C log in as: given identities replace the default one.
			.identity(Identity.servicePrincipal(LocalLakebase.DEFAULT_CLIENT_ID, randomSecret()));
		UserPoolsBenchmark.users(plan).forEach(emulator::identity);
		try (LocalLakebase lakebase = emulator.start()) {
			lakebase.faults().credentialLatency(options.credentialLatency());
			ConnectionTarget target = ConnectionTarget.of(lakebase);
			BenchmarkApplications applications = new BenchmarkApplications(target, lakebase.springProperties(),
					plan.poolSize());
			BenchmarkPools pools = new BenchmarkPools(target, applications, plan.poolSize());
			CredentialMeter meter = new CredentialMeter(lakebase.stats());
			SelectOneLoad load = new SelectOneLoad(plan.threads());

			progress("figure 2: cold pool fill");
			PoolFillBenchmark.Result fill = new PoolFillBenchmark(pools, meter, plan).run();

			progress("figures 1, 3 and 4: one long-lived pool per variant");
			LongLivedPools longLived = LongLivedPools.open(pools, meter);
			Map<Variant, LoadResult> churn;
			ThroughputBenchmark.Result throughput;
			HealthProbeBenchmark.Result health;
			List<PoolUse> longLivedUses;
			try {
				for (Variant variant : Variant.values()) {
					longLived.use(variant, (pool) -> load.run(pool, plan.warmup()));
				}
				progress("figure 3: acquisition under churn");
				churn = new ChurnBenchmark(load, plan).run(longLived);
				progress("figure 4: throughput");
				throughput = new ThroughputBenchmark(load, plan).run(longLived);
				progress("figure 7: health checks");
				HealthProbeBenchmark healthProbes = new HealthProbeBenchmark(lakebase.stats());
				health = longLived.use(Variant.STARTER, healthProbes::run);
			}
			finally {
				longLivedUses = longLived.close();
			}

			progress("figure 5: context start");
			StartupBenchmark.Result startup = new StartupBenchmark(applications, lakebase.stats(), target.endpoint(),
					plan).run();
			progress("figure 6: retained heap");
			Map<Variant, Long> heap = new HeapBenchmark(applications, plan).run();
			progress("figure 8: R2DBC");
			R2dbcBenchmark.Result r2dbc = new R2dbcBenchmark(target, lakebase.stats(), plan).run();
			progress("figure 9: on behalf of users");
			UserPoolsBenchmark.Result users = new UserPoolsBenchmark(lakebase, pools, target, meter, plan).run();
			progress("figure 10: authentication plugin");
			PluginBenchmark.Result plugin = new PluginBenchmark(pools, lakebase.stats(), load, plan).run();
			results = new BenchmarkResults(options, machine, MachineDescription.currentLoadAverage(), startedAt,
					Duration.ofNanos(System.nanoTime() - start), TOKEN_LIFETIME, fill, longLivedUses, churn, throughput,
					startup, heap, health, r2dbc, users, plugin);
		}
		List<Figure> figures = Figures.from(results);
		String markdown = MarkdownReport.render(results, figures);
		write(options.output(), markdown);
		return new BenchmarkReport(results, figures, markdown);
	}

	private static String randomSecret() {
		byte[] secret = new byte[16];
		new SecureRandom().nextBytes(secret);
		return "local-secret-" + HexFormat.of().formatHex(secret);
	}

	private static void write(Path output, String markdown) throws IOException {
		Path parent = output.toAbsolutePath().getParent();
		if (parent != null) {
			Files.createDirectories(parent);
		}
		Files.writeString(output, markdown);
	}

	private static void progress(String message) {
		// Progress goes to stderr: stdout carries only the table.
		System.err.printf("[benchmarks %6.1f s] %s%n", (System.nanoTime() - LOADED_AT) / 1e9, message);
	}

}
