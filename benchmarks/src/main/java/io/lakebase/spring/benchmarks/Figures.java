package io.lakebase.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Turns the measurements of a run into the rows of the results table, and holds each figure
 * against the target. Targets are recorded as met or not met, never enforced.
 */
final class Figures {

	static final double MINIMUM_FILL_SPEEDUP = 5;

	static final double MAXIMUM_P99_EXCESS = 0.10;

	static final double MINIMUM_THROUGHPUT_RATIO = 0.98;

	static final double MAXIMUM_USER_REQUEST_RATIO = 1.05;

	private Figures() {
	}

	static List<Figure> from(BenchmarkResults results) {
		RunPlan plan = results.plan();
		List<Figure> figures = new ArrayList<>();
		figures.add(credentialCalls(results));
		figures.add(poolFill(results, plan));
		figures.add(acquisition(results, plan, 50));
		figures.add(acquisition(results, plan, 99));
		figures.add(throughput(results, plan));
		figures.add(startup(results, plan));
		figures.add(startupRequests(results));
		figures.add(heap(results, plan));
		figures.add(health(results));
		figures.add(r2dbcCredentialCalls(results));
		figures.add(r2dbcThroughput(results, plan));
		figures.add(userRequest(results, 50));
		figures.add(userRequest(results, 99));
		figures.add(newUserRequest(results));
		figures.add(newUserCalls(results));
		figures.add(userHeap(results));
		figures.add(pluginThroughput(results, plan));
		figures.add(pluginCredentialCalls(results));
		return figures;
	}

	private static Figure credentialCalls(BenchmarkResults results) {
		Map<Variant, String> details = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			CredentialCount count = results.credentials(variant);
			details.put(variant, "(" + count.calls() + " / " + count.logins() + ")");
		}
		List<PoolUse> starterPools = results.pools(Variant.STARTER);
		long most = starterPools.stream().mapToLong((use) -> use.count().calls()).max().orElse(0);
		boolean met = starterPools.stream()
			.allMatch((use) -> use.count().calls() <= allowedCalls(use.lifetime(), results.tokenLifetime()));
		String target = "B ≤ 1 call per token lifetime (" + describe(results.tokenLifetime()) + ") per pool: "
				+ verdict(met) + " (at most " + count((int) most, "call") + " in each of the "
				+ count(starterPools.size(), "starter pool") + " of the run)";
		return new Figure("1. Credential API calls per 1,000 new physical connections (calls / connections)",
				Figure.Unit.PER_THOUSAND, values((variant) -> results.credentials(variant).callsPerThousandLogins()),
				details, target);
	}

	private static Figure poolFill(BenchmarkResults results, RunPlan plan) {
		Map<Variant, Double> values = values((variant) -> millis(results.fill().median(variant)));
		double speedup = values.get(Variant.GUIDE) / values.get(Variant.STARTER);
		double limit = values.get(Variant.GUIDE) / values.get(Variant.STATIC_PASSWORD);
		String target = "B ≥ 5× faster than A: " + verdict(speedup >= MINIMUM_FILL_SPEEDUP)
				+ format(" (%.1f×; C, with no credential work at all, is %.1f× faster than A)", speedup, limit);
		return new Figure("2. Time to fill a cold pool of " + plan.poolSize() + " (median of " + plan.fillIterations()
				+ ")", Figure.Unit.MILLISECONDS, values, target);
	}

	private static Figure acquisition(BenchmarkResults results, RunPlan plan, int percentile) {
		Map<Variant, Double> values = values((variant) -> millis(results.churn().get(variant).acquisition(percentile)));
		String label = (percentile == 50) ? "3a" : "3b";
		String target = "recorded only";
		if (percentile == 99) {
			double excess = values.get(Variant.STARTER) / values.get(Variant.STATIC_PASSWORD) - 1;
			target = "B within 10% of C: " + verdict(excess <= MAXIMUM_P99_EXCESS)
					+ format(" (B %.0f%% %s C)", Math.abs(excess) * 100, (excess >= 0) ? "above" : "below");
		}
		return new Figure(label + ". Connection acquisition p" + percentile + " under churn (" + plan.threads()
				+ " threads, " + describe(plan.churnHold()) + " hold, every connection evicted every "
				+ describe(plan.evictionInterval()) + ")", Figure.Unit.MILLISECONDS, values, target);
	}

	private static Figure throughput(BenchmarkResults results, RunPlan plan) {
		Map<Variant, Double> values = values((variant) -> results.throughput().medianTransactionsPerSecond(variant));
		double ratio = values.get(Variant.STARTER) / values.get(Variant.STATIC_PASSWORD);
		String target = "B/C ≥ 0.98: " + verdict(ratio >= MINIMUM_THROUGHPUT_RATIO) + format(" (%.3f)", ratio);
		return new Figure("4. `SELECT 1` transactions per second through the pool (" + plan.threads()
				+ " threads, median of " + count(plan.throughputRounds(), "round") + ")",
				Figure.Unit.TRANSACTIONS_PER_SECOND, values, target);
	}

	private static Figure startup(BenchmarkResults results, RunPlan plan) {
		Map<Variant, Double> values = values((variant) -> millis(results.startup().median(variant)));
		String target = format("recorded only: B − C = %+.0f ms; B starts with `lakebase.fail-fast=false` here, "
				+ "making %d workspace requests", values.get(Variant.STARTER) - values.get(Variant.STATIC_PASSWORD),
				results.startup().workspaceRequests().get(Variant.STARTER).total());
		return new Figure("5a. Spring context start, pool not filled (median of " + plan.startupIterations() + ")",
				Figure.Unit.MILLISECONDS, values, target);
	}

	/**
	 * Figure 5b: what a start asks the workspace. A and C as in figure 5a; B as users run it, with
	 * its startup check on.
	 */
	private static Figure startupRequests(BenchmarkResults results) {
		StartupBenchmark.Result startup = results.startup();
		Map<Variant, WorkspaceRequests> requests = new EnumMap<>(startup.workspaceRequests());
		requests.put(Variant.STARTER, startup.checkedStarterRequests());
		Map<Variant, String> details = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			WorkspaceRequests counted = requests.get(variant);
			details.put(variant, format("(client %d, lookups %d, credential %d)", counted.client(), counted.lookup(),
					counted.credential()));
		}
		WorkspaceRequests checked = startup.checkedStarterRequests();
		WorkspaceRequests guide = requests.get(Variant.GUIDE);
		long beyondClient = checked.total() - checked.client();
		boolean met = checked.lookup() <= 1 && checked.credential() <= 1 && checked.client() <= guide.client() + 1
				&& startup.workspaceRequests().get(Variant.STARTER).total() == 0;
		String target = "B adds to what any SDK client asks only the endpoint lookup and the startup credential, and "
				+ "nothing with `lakebase.fail-fast=false`: " + verdict(met)
				+ format(" (B: %d beyond the client's own, %d physical logins; with fail-fast=false: %d requests)",
						beyondClient, startup.checkedStarterLogins(),
						startup.workspaceRequests().get(Variant.STARTER).total());
		return new Figure("5b. Workspace API requests per start (B with its startup check, the default)",
				Figure.Unit.COUNT, values((variant) -> requests.get(variant).total()), details, target);
	}

	private static Figure heap(BenchmarkResults results, RunPlan plan) {
		Map<Variant, Double> values = values((variant) -> results.heapPerContext().get(variant) / 1024.0);
		String target = format("recorded only: the starter's beans retain B − C = %,.0f KiB "
				+ "(the guide's beans A − C = %,.0f KiB)", values.get(Variant.STARTER) - values.get(Variant.STATIC_PASSWORD),
				values.get(Variant.GUIDE) - values.get(Variant.STATIC_PASSWORD));
		return new Figure("6. Retained heap per Spring context (" + count(plan.heapContexts(), "context")
				+ " open at once)", Figure.Unit.KIBIBYTES, values, target);
	}

	private static Figure r2dbcCredentialCalls(BenchmarkResults results) {
		Map<Variant, CredentialCount> churn = results.r2dbc().churn();
		Map<Variant, Double> values = values((variant) -> churn.containsKey(variant)
				? 1000.0 * churn.get(variant).calls() / Math.max(1, churn.get(variant).logins()) : Double.NaN);
		Map<Variant, String> details = new java.util.EnumMap<>(Variant.class);
		churn.forEach((variant, count) -> details.put(variant, format("(%d / %d)", count.calls(), count.logins())));
		CredentialCount starter = churn.get(Variant.STARTER);
		String target = "B ≤ 1 call per token lifetime (1 h), however many connections: "
				+ verdict(starter.calls() <= 1 && starter.logins() > results.plan().poolSize())
				+ "; A has no R2DBC pattern (the guide's is JDBC only)";
		return new Figure("8a. R2DBC: credential API calls per 1,000 new connections (calls / connections; every "
				+ "connection renewed every 200 ms under load)", Figure.Unit.PER_THOUSAND, values, details, target);
	}

	private static Figure r2dbcThroughput(BenchmarkResults results, RunPlan plan) {
		R2dbcBenchmark.Result r2dbc = results.r2dbc();
		Map<Variant, Double> values = values((variant) -> r2dbc.rounds().containsKey(variant)
				? r2dbc.medianTransactionsPerSecond(variant) : Double.NaN);
		double ratio = values.get(Variant.STARTER) / values.get(Variant.STATIC_PASSWORD);
		String target = "recorded only: B/C" + format(" = %.3f", ratio)
				+ " (the starter's R2DBC connection factory against the same r2dbc-pool with a static password)";
		return new Figure("8b. R2DBC: `SELECT 1` per second through r2dbc-pool (" + plan.threads()
				+ " concurrent flows, median of " + count(plan.throughputRounds(), "round") + ")",
				Figure.Unit.TRANSACTIONS_PER_SECOND, values, target);
	}

	private static Figure health(BenchmarkResults results) {
		HealthProbeBenchmark.Result health = results.health();
		Map<Variant, Double> values = values((variant) -> (variant == Variant.STARTER) ? health.logins() * 100.0 / health.probes()
				: Double.NaN);
		Map<Variant, String> details = Map.of(Variant.STARTER, format("(check p50 %s, longest %s)",
				Figure.Unit.MILLISECONDS.format(millis(health.median())),
				Figure.Unit.MILLISECONDS.format(millis(health.longest()))));
		String target = "B 0 in steady state (the starter's earlier health check logged in on every check: 100): "
				+ verdict(health.logins() == 0) + "; A and C have no Lakebase health check";
		return new Figure("7. Physical logins per 100 `lakebase` health checks in steady state ("
				+ count(health.probes(), "check") + ")", Figure.Unit.COUNT, values, details, target);
	}

	/**
	 * Figures 9a and 9b: a known user's request against the same request on the service
	 * principal's pool, C's; the starter's own pool of the service principal (B's) in the target.
	 */
	private static Figure userRequest(BenchmarkResults results, int percentile) {
		UserPoolsBenchmark.Result users = results.users();
		double user = millis(users.request(UserPoolsBenchmark.Source.USER, percentile));
		double physicalLimit = millis(users.request(UserPoolsBenchmark.Source.PHYSICAL_LIMIT, percentile));
		double application = millis(users.request(UserPoolsBenchmark.Source.APPLICATION, percentile));
		Map<Variant, Double> values = new EnumMap<>(Variant.class);
		values.put(Variant.GUIDE, Double.NaN);
		values.put(Variant.STARTER, user);
		values.put(Variant.STATIC_PASSWORD, physicalLimit);
		double ratio = user / physicalLimit;
		String target = format("user/service principal ≤ %.2f: %s (%.3f); against the starter's own pool of the "
				+ "service principal (%s): %.3f", MAXIMUM_USER_REQUEST_RATIO,
				verdict(ratio <= MAXIMUM_USER_REQUEST_RATIO), ratio, Figure.Unit.MILLISECONDS.format(application),
				user / application);
		String label = (percentile == 50) ? "9a" : "9b";
		return new Figure(label + ". On behalf of users: a known user's request p" + percentile
				+ " (`getConnection(token)`, `SELECT 1`, close; B the user's pool, C the service principal's)",
				Figure.Unit.MILLISECONDS, values, target);
	}

	private static Figure newUserRequest(BenchmarkResults results) {
		UserPoolsBenchmark.NewUsers newUsers = results.users().newUsers();
		Map<Variant, Double> values = onlyStarter(millis(newUsers.firstRequest(50)));
		Map<Variant, String> details = Map.of(Variant.STARTER,
				"(longest " + Figure.Unit.MILLISECONDS.format(millis(newUsers.firstRequest(100))) + ")");
		String target = "recorded only: a lookup of whom the token belongs to, a credential call with the user's "
				+ "token (" + describe(results.options().credentialLatency()) + " injected) and a login";
		return new Figure("9c. On behalf of users: a new user's first request (median of "
				+ count(newUsers.users(), "user") + ")", Figure.Unit.MILLISECONDS, values, details, target);
	}

	private static Figure newUserCalls(BenchmarkResults results) {
		UserPoolsBenchmark.NewUsers newUsers = results.users().newUsers();
		double lookups = newUsers.perUser(newUsers.identityLookups());
		double calls = newUsers.perUser(newUsers.credentialCalls());
		double logins = newUsers.perUser(newUsers.logins());
		Map<Variant, Double> values = onlyStarter(lookups + calls);
		Map<Variant, String> details = Map.of(Variant.STARTER, "(lookups " + Figure.Unit.MEAN.format(lookups)
				+ ", credential " + Figure.Unit.MEAN.format(calls) + "; logins " + Figure.Unit.MEAN.format(logins) + ")");
		boolean met = lookups == 1 && calls == 1 && logins == 1;
		String target = "1 lookup, 1 credential call and 1 login per new user: " + verdict(met)
				+ format(" (%s: %d lookups, %d credential calls, %d logins; the local Lakebase counted %d credential "
						+ "calls)", count(newUsers.users(), "user"), newUsers.identityLookups(), newUsers.credentialCalls(),
						newUsers.logins(), newUsers.credentialRequests());
		return new Figure("9d. On behalf of users: workspace API requests per new user (and logins)", Figure.Unit.MEAN,
				values, details, target);
	}

	private static Figure userHeap(BenchmarkResults results) {
		UserPoolsBenchmark.Result users = results.users();
		double perUser = users.newUsers().heapPerIdleUser() / 1024.0;
		double perConnection = users.heapPerIdleConnection() / 1024.0;
		Map<Variant, Double> values = new EnumMap<>(Variant.class);
		values.put(Variant.GUIDE, Double.NaN);
		values.put(Variant.STARTER, perUser);
		values.put(Variant.STATIC_PASSWORD, perConnection);
		String target = format("recorded only: a user's pool keeps B − C = %,.0f KiB beyond its one idle connection "
				+ "(both include the local Lakebase's end of the connection)", perUser - perConnection);
		return new Figure("9e. On behalf of users: retained heap per idle user's pool (" + count(users.newUsers().users(),
				"user") + ", one request each; C per idle connection of the service principal)", Figure.Unit.KIBIBYTES,
				values, target);
	}

	/**
	 * Figure 10a: the starter's pool in column B, the plugin's in column C, so that the B/C
	 * column reads starter/plugin; the target is the plugin's ratio to the starter.
	 */
	private static Figure pluginThroughput(BenchmarkResults results, RunPlan plan) {
		PluginBenchmark.Result plugin = results.plugin();
		Map<Variant, Double> values = new EnumMap<>(Variant.class);
		values.put(Variant.GUIDE, Double.NaN);
		values.put(Variant.STARTER, plugin.starterTransactionsPerSecond());
		values.put(Variant.STATIC_PASSWORD, plugin.pluginTransactionsPerSecond());
		double ratio = plugin.pluginTransactionsPerSecond() / plugin.starterTransactionsPerSecond();
		String target = "plugin/starter (C/B) ≥ 0.98: " + verdict(ratio >= MINIMUM_THROUGHPUT_RATIO)
				+ format(" (%.3f; the B/C column is starter/plugin)", ratio);
		return new Figure("10a. Authentication plugin: `SELECT 1` transactions per second through the pool ("
				+ plan.threads() + " threads, median of " + count(plan.throughputRounds(), "round")
				+ "; B the starter's pool, C a plain Hikari pool given only a JDBC URL with the plugin)",
				Figure.Unit.TRANSACTIONS_PER_SECOND, values, target);
	}

	private static Figure pluginCredentialCalls(BenchmarkResults results) {
		PluginBenchmark.Result plugin = results.plugin();
		CredentialCount counted = plugin.pluginConnections();
		Map<Variant, Double> values = values((variant) -> (variant == Variant.STATIC_PASSWORD)
				? counted.callsPerThousandLogins() : Double.NaN);
		Map<Variant, String> details = Map.of(Variant.STATIC_PASSWORD,
				format("(%d / %d)", counted.calls(), counted.logins()));
		boolean met = counted.calls() <= allowedCalls(plugin.countedFor(), results.tokenLifetime())
				&& counted.logins() >= results.plan().pluginLogins();
		String target = "plugin (C) ≤ 1 call per token lifetime (" + describe(results.tokenLifetime())
				+ "), however many connections: " + verdict(met) + " (" + count((int) counted.calls(), "call") + " for "
				+ format("%,d connections in %.1f s", counted.logins(), plugin.countedFor().toMillis() / 1000.0)
				+ ", the first when the pool opened with the plugin's cache empty); B's pool: figure 1";
		return new Figure("10b. Authentication plugin: credential API calls per 1,000 new physical connections of the "
				+ "plugin's pool (calls / connections; every connection evicted every "
				+ describe(PluginBenchmark.CHURN_INTERVAL) + " under load)", Figure.Unit.PER_THOUSAND, values, details,
				target);
	}

	private static Map<Variant, Double> onlyStarter(double value) {
		return values((variant) -> (variant == Variant.STARTER) ? value : Double.NaN);
	}

	/**
	 * Returns how many credential calls a starter pool may make: one per token lifetime it lived
	 * through, and one for a pool shorter-lived than a token.
	 */
	static long allowedCalls(Duration poolLifetime, Duration tokenLifetime) {
		long lifetimes = (poolLifetime.toNanos() + tokenLifetime.toNanos() - 1) / tokenLifetime.toNanos();
		return Math.max(1, lifetimes);
	}

	private static Map<Variant, Double> values(ToDoubleFunction<Variant> value) {
		Map<Variant, Double> values = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			values.put(variant, value.applyAsDouble(variant));
		}
		return values;
	}

	private static double millis(Duration duration) {
		return duration.toNanos() / 1e6;
	}

	/**
	 * Counts a noun: {@code 1 round}, {@code 4 rounds}.
	 */
	static String count(int count, String noun) {
		return count + " " + noun + ((count != 1) ? "s" : "");
	}

	private static String verdict(boolean met) {
		return met ? "met" : "not met";
	}

	static String describe(Duration duration) {
		if (duration.toMillis() % 3_600_000 == 0) {
			return duration.toHours() + " h";
		}
		if (duration.toMillis() % 1000 == 0) {
			return duration.toSeconds() + " s";
		}
		return duration.toMillis() + " ms";
	}

	private static String format(String pattern, Object... arguments) {
		return String.format(Locale.ROOT, pattern, arguments);
	}

}
