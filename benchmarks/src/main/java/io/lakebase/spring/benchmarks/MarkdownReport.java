package io.lakebase.spring.benchmarks;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

import io.lakebase.jdbc.LakebaseUserPools;
import org.jspecify.annotations.Nullable;

/**
 * Renders a run as markdown: what it ran on and how to reproduce it, the table of figures, and how
 * each figure was measured.
 */
final class MarkdownReport {

	static final String BUILD_COMMAND = "mvn -B -pl benchmarks -am -DskipTests install";

	static final String RUN_COMMAND = "mvn -B -pl benchmarks exec:exec";

	private MarkdownReport() {
	}

	static String render(BenchmarkResults results, List<Figure> figures) {
		StringBuilder out = new StringBuilder();
		out.append("# Lakebase starter benchmarks\n\n");
		if (results.options().smoke()) {
			out.append("> **Smoke run.** Every duration is cut to fractions of a second: the figures below only show "
					+ "that the harness works and mean nothing.\n\n");
		}
		header(out, results);
		table(out, figures);
		method(out, results);
		return out.toString();
	}

	/**
	 * Returns the command that reproduces a run with the same options.
	 * @param arguments the harness options of the run
	 * @return the shell command
	 */
	static String reproduceCommand(List<String> arguments) {
		String command = BUILD_COMMAND + " && " + RUN_COMMAND;
		return arguments.isEmpty() ? command : command + " -Dbenchmarks.args=\"" + String.join(" ", arguments) + "\"";
	}

	private static void header(StringBuilder out, BenchmarkResults results) {
		MachineDescription machine = results.machine();
		out.append("- Date: ").append(results.startedAt().truncatedTo(ChronoUnit.SECONDS)).append('\n');
		out.append("- Machine: ").append(machine.describe(results.loadAverageAtEnd())).append('\n');
		out.append("- JVM: ").append(machine.describeJvm()).append('\n');
		out.append("- Credential API latency injected: ")
			.append(Figures.describe(results.options().credentialLatency()))
			.append(" per call; database credential lifetime: ")
			.append(Figures.describe(results.tokenLifetime()))
			.append('\n');
		out.append("- Run time: ").append(results.runTime().toSeconds()).append(" s\n");
		out.append("- Reproduce (from the repository root): `")
			.append(reproduceCommand(results.options().arguments()))
			.append("`\n\n");
		for (Variant variant : Variant.values()) {
			out.append("- **").append(variant.letter()).append("**: ").append(variant.description()).append('\n');
		}
		out.append("\nFigures 5 and 6 compare whole Spring Boot applications: A declares the guide's workspace client "
				+ "and pool as beans, B has the starter, C is a plain Boot JDBC application on `spring.datasource.*`.\n\n");
		out.append("Figure 9 is the starter's connections on behalf of users (`LakebaseUserPools`, built on B's resolver "
				+ "and workspace client): in its rows B is a user's own pool and C the service principal's pool with C's "
				+ "static password; the target column of 9a and 9b also compares with B's own pool of the service "
				+ "principal. A has no such pattern.\n\n");
		out.append("Figure 10 is PgJDBC's authentication plugin (`LakebaseAuthenticationPlugin`), the way tools connect: "
				+ "a plain Hikari pool given only a JDBC URL naming the plugin, with the workspace as driver properties and "
				+ "the secret in a Databricks configuration profile. In "
				+ "its rows B is a fresh pool of the starter's and C the plugin's pool, not the static password: the B/C "
				+ "column reads starter/plugin. A has no such pattern.\n\n");
	}

	private static void table(StringBuilder out, List<Figure> figures) {
		out.append("| Figure | A | B | C | B/A | B/C | Target (recorded, not asserted) |\n");
		out.append("|---|--:|--:|--:|--:|--:|---|\n");
		for (Figure figure : figures) {
			out.append("| ").append(figure.label());
			for (Variant variant : Variant.values()) {
				out.append(" | ").append(figure.cell(variant));
			}
			out.append(" | ").append(ratio(figure.ratio(Variant.STARTER, Variant.GUIDE)));
			out.append(" | ").append(ratio(figure.ratio(Variant.STARTER, Variant.STATIC_PASSWORD)));
			out.append(" | ").append(figure.target()).append(" |\n");
		}
		out.append('\n');
	}

	private static void method(StringBuilder out, BenchmarkResults results) {
		RunPlan plan = results.plan();
		out.append("## How the figures are measured\n\n");
		out.append("One `lakebase-local` runs in the harness's JVM: a mock workspace API over HTTP, called by the real "
				+ "Databricks SDK, and a TLS login front that verifies every token before it relays to an embedded "
				+ "PostgreSQL. A, B and C log in as the same service principal through the same front with "
				+ "`sslmode=" + ConnectionTarget.SSL_MODE + "`; C's static password is a one-day token from the "
				+ "emulator, so that its wire path equals A's and B's. Every pool holds " + plan.poolSize()
				+ " connections (minimum idle " + plan.poolSize() + ") with a `maxLifetime` of 45 minutes; B's comes "
				+ "from the starter.\n\n");
		out.append("1. Credential API calls and accepted logins as the emulator counts them, over the whole life of one "
				+ "pool per variant: its cold start, the churn of figure 3 and the load of figure 4. The target is "
				+ "checked on every starter pool of the run, the figure 2 pools included.\n");
		out.append("2. From the first `getConnection()` of a new pool until it holds " + plan.poolSize()
				+ " connections; median of " + Figures.count(plan.fillIterations(), "fill") + " after "
				+ Figures.count(plan.fillWarmups(), "warm-up fill") + " per variant, in rotating order. B runs with "
				+ "`lakebase.fail-fast=false`, so that its credential cache is empty at the first `getConnection()`; "
				+ "both A's and B's workspace clients already hold their OAuth token, and B's host and role are "
				+ "resolved, so that only credential calls differ. Hikari opens "
				+ "connections one at a time on one thread and pauses 30 ms after each, for every variant.\n");
		out.append("3. " + plan.threads() + " threads borrow a connection, run `SELECT 1`, keep the connection "
				+ Figures.describe(plan.churnHold()) + " and return it, again and again, timing every "
				+ "`getConnection()`. `softEvictConnections()` every " + Figures.describe(plan.evictionInterval())
				+ " stands in for a short `maxLifetime` (Hikari allows no less than 30 s). The hold makes the pool, "
				+ "not the CPU, what borrowers wait for: without it the few borrows that wait for a refill are too "
				+ "rare to reach p99. " + Figures.count(plan.churnRounds(), "round") + " of "
				+ Figures.describe(plan.churnSlice()) + " per variant, in rotating order, after "
				+ Figures.describe(plan.warmup()) + " of warm-up each; percentiles (HdrHistogram) over "
				+ samples(results) + " borrows (A / B / C).\n");
		out.append("4. The same threads without hold or eviction: " + Figures.count(plan.throughputRounds(), "round")
				+ " of " + Figures.describe(plan.throughputSlice())
				+ " per variant, in rotating order; transactions completed per second in the median round.\n");
		out.append("5a. `SpringApplication.run` of a non-web application with auto-configuration, in this already "
				+ "warm JVM; median of " + Figures.count(plan.startupIterations(), "start") + " after "
				+ Figures.count(plan.startupWarmups(), "warm-up start") + " per variant, in rotating order. No start "
				+ "opens a connection (checked): B runs with `lakebase.fail-fast=false`, which makes no workspace call "
				+ "while the context starts.\n");
		out.append("5b. Workspace API requests of one start, as the local Lakebase counts them: the client's own "
				+ "(host metadata, OAuth discovery, token), lookups (endpoint, current user) and credentials. A and C "
				+ "as in 5a; B started once more as users run it, with the startup check on (the default), which "
				+ "looks up the endpoint (no host is configured), obtains a credential and logs in (then starts the "
				+ "pool). A service principal's role is its client id: no user lookup.\n");
		out.append("6. Heap in use after full collections (`System.gc()`, `MemoryMXBean`) with "
				+ Figures.count(plan.heapContexts(), "context") + " of one variant open, less the heap in use before, "
				+ "per context; pools not started. The starter's beans retain the difference between B and C.\n");
		out.append("7. " + Figures.count(results.health().probes(), "call") + " of the starter's `lakebase` health "
				+ "check (`LakebaseHealthCheck.check`, as the actuator indicator calls it) on B's long-lived, settled pool; "
				+ "physical logins as the local Lakebase counts them, per 100 checks. It logs in itself only when no "
				+ "login has happened yet or the latest one failed.\n");
		out.append("8. R2DBC, B and C only: r2dbc-postgresql under r2dbc-pool (" + plan.poolSize() + " connections, "
				+ "initial size " + plan.poolSize() + "). B is the starter's connection factory (the driver on "
				+ "`LakebaseR2dbc.options`, decorated by `LakebaseR2dbc.connectionFactory`, as Boot's R2DBC "
				+ "auto-configuration assembles it with the starter); C the same driver and pool with C's static "
				+ "password. 8a: " + plan.threads() + " concurrent `SELECT 1` flows for the churn time of figure 3 (at least "
				+ "3 s) with `maxLifeTime` 200 ms, so that "
				+ "every connection is renewed again and again; calls and logins as the local Lakebase counts them. "
				+ "8b: the same flows on pools with a 45-minute `maxLifeTime`, after a warm-up, in alternating order; "
				+ "queries per second in the median round.\n");
		out.append("9. " + Figures.count(results.users().newUsers().users() + 1, "user") + " with workspace access and "
				+ "a Postgres role each, logging in through `LakebaseUserPools` with the default pool size ("
				+ LakebaseUserPools.DEFAULT_MAX_POOL_SIZE + "), an idle timeout of 1 h and caps above "
				+ "the users, on a fresh B context's resolver and workspace client; their OAuth tokens (JWTs) are issued "
				+ "by the local Lakebase. "
				+ "9a, 9b: on one thread, a request borrows a connection, runs `SELECT 1` and closes it, timed whole; "
				+ "a known user, whose token the pools have already seen, through `getConnection(token)`, against "
				+ "fresh B and C pools of the service principal (" + results.plan().poolSize() + " connections, settled), "
				+ "the three taking turns request by request in rotating order for "
				+ Figures.describe(results.plan().requestTime()) + " after " + Figures.describe(results.plan().warmup())
				+ " of warm-up; percentiles (HdrHistogram) over " + requests(results) + " requests (user / B / C). "
				+ "9c, 9d: the first request of each new user, one after the other; lookups and credential calls as "
				+ "`LakebaseUserPools.status()` counts them, logins as the local Lakebase does. "
				+ "9e: heap in use after full collections (as in figure 6) once the new users have made their first "
				+ "request, their pools idle but open, less the heap in use before, per user; C: the same for a pool "
				+ "like C's holding as many idle connections, per connection. Both include the local Lakebase's end of "
				+ "each connection (its login front runs in this JVM); B − C is what a user's pool keeps beyond its "
				+ "connection.\n");
		out.append("10. A fresh B pool, settled, and a Hikari pool with B's settings (" + plan.poolSize()
				+ " connections, minimum idle " + plan.poolSize() + ", `maxLifetime` 45 minutes) on a JDBC URL alone: the "
				+ "front's address with `sslmode=" + ConnectionTarget.SSL_MODE + "` and its CA, `user`, "
				+ "`authenticationPluginClassName` and `lakebaseEndpoint`; the workspace URL, client id and auth type as "
				+ "driver properties, and the secret in a profile of a Databricks configuration file of the pool's own "
				+ "(`databricksConfigFile`, `databricksProfile`: the plugin refuses secrets in URLs and properties). "
				+ "10b first: the plugin's pool opens cold, then " + plan.threads()
				+ " threads borrow, run `SELECT 1` and keep the connection " + Figures.describe(plan.churnHold())
				+ " while every connection is evicted every " + Figures.describe(PluginBenchmark.CHURN_INTERVAL)
				+ ", until the pool has opened at least " + plan.pluginLogins() + " connections; calls and logins as the "
				+ "local Lakebase counts them, from the pool's first `getConnection()` until it settles. PgJDBC makes a "
				+ "plugin per login, and all logins of the JVM with the same target and identity share one credential "
				+ "cache that outlives pools: no earlier figure uses the plugin, and the configuration file, new for the "
				+ "pool, is part of the cache's key, so the cache is empty at the pool's first login and that first "
				+ "credential call is counted. 10a: then, as in figure 4, the same threads without hold or eviction, "
				+ "after " + Figures.describe(plan.warmup()) + " of warm-up per pool, "
				+ Figures.count(plan.throughputRounds(), "round") + " of " + Figures.describe(plan.throughputSlice())
				+ " per pool, in alternating order; transactions completed per second in the median round.\n");
		String failures = failures(results);
		if (failures != null) {
			out.append("\nFailed borrows or queries under load: ").append(failures).append(".\n");
		}
	}

	private static String requests(BenchmarkResults results) {
		UserPoolsBenchmark.Result users = results.users();
		return String.format(Locale.ROOT, "%,d / %,d / %,d", users.requests(UserPoolsBenchmark.Source.USER),
				users.requests(UserPoolsBenchmark.Source.APPLICATION),
				users.requests(UserPoolsBenchmark.Source.PHYSICAL_LIMIT));
	}

	private static String samples(BenchmarkResults results) {
		return String.join(" / ", results.churn()
			.values()
			.stream()
			.map((load) -> String.format(Locale.ROOT, "%,d", load.acquisitionNanos().length))
			.toList());
	}

	private static @Nullable String failures(BenchmarkResults results) {
		StringBuilder failures = new StringBuilder();
		for (Variant variant : Variant.values()) {
			long failed = results.churn().get(variant).failures() + results.throughput().failures(variant);
			if (failed > 0) {
				failures.append((failures.length() > 0) ? ", " : "").append(variant.letter()).append(' ').append(failed);
			}
		}
		if (results.plugin().failures() > 0) {
			failures.append((failures.length() > 0) ? ", " : "").append("figure 10 ").append(results.plugin().failures());
		}
		return (failures.length() > 0) ? failures.toString() : null;
	}

	private static String ratio(@Nullable Double ratio) {
		if (ratio == null) {
			return "—";
		}
		if (ratio >= 0.1) {
			return String.format(Locale.ROOT, "%.2f", ratio);
		}
		// Two significant digits, so that a small ratio does not show as 0.00.
		return new BigDecimal(ratio).round(new MathContext(2)).stripTrailingZeros().toPlainString();
	}

}
