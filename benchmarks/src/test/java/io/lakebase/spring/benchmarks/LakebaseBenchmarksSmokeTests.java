package io.lakebase.spring.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the harness once in smoke mode, so that the build keeps it working. Timings are never
 * asserted: they mean nothing in a seconds-long run on a shared machine. Credential calls and
 * logins are counted exactly by the local Lakebase, and those are.
 */
class LakebaseBenchmarksSmokeTests {

	private static final Path OUTPUT = Path.of("target", "RESULTS-smoke.md");

	private static BenchmarkReport report;

	@BeforeAll
	static void runInSmokeMode() throws Exception {
		Files.deleteIfExists(OUTPUT);
		report = LakebaseBenchmarks.run(BenchmarkOptions.parse("--smoke", "--output=" + OUTPUT));
	}

	@Test
	void tableHasEveryFigureAndIsWrittenToTheOutput() throws Exception {
		assertThat(report.figures()).extracting(Figure::label)
			.satisfiesExactly((label) -> assertThat(label).startsWith("1. Credential API calls"),
					(label) -> assertThat(label).startsWith("2. Time to fill a cold pool of 10"),
					(label) -> assertThat(label).startsWith("3a. Connection acquisition p50"),
					(label) -> assertThat(label).startsWith("3b. Connection acquisition p99"),
					(label) -> assertThat(label).startsWith("4. `SELECT 1` transactions per second"),
					(label) -> assertThat(label).startsWith("5a. Spring context start"),
					(label) -> assertThat(label).startsWith("5b. Workspace API requests per start"),
					(label) -> assertThat(label).startsWith("6. Retained heap"),
					(label) -> assertThat(label).startsWith("7. Physical logins per 100 `lakebase` health checks"),
					(label) -> assertThat(label).startsWith("8a. R2DBC: credential API calls"),
					(label) -> assertThat(label).startsWith("8b. R2DBC: `SELECT 1` per second"),
					(label) -> assertThat(label).startsWith("9a. On behalf of users: a known user's request p50"),
					(label) -> assertThat(label).startsWith("9b. On behalf of users: a known user's request p99"),
					(label) -> assertThat(label).startsWith("9c. On behalf of users: a new user's first request"),
					(label) -> assertThat(label).startsWith("9d. On behalf of users: workspace API requests per new user"),
					(label) -> assertThat(label).startsWith("9e. On behalf of users: retained heap per idle user's pool"),
					(label) -> assertThat(label).startsWith("10a. Authentication plugin: `SELECT 1` transactions per second"),
					(label) -> assertThat(label).startsWith("10b. Authentication plugin: credential API calls"));
		for (Figure figure : report.figures()) {
			assertThat(report.markdown()).contains("| " + figure.label() + " | " + figure.cell(Variant.GUIDE) + " | "
					+ figure.cell(Variant.STARTER) + " | " + figure.cell(Variant.STATIC_PASSWORD) + " | ");
			assertThat(figure.target()).isNotBlank();
		}
		assertThat(Files.readString(OUTPUT)).isEqualTo(report.markdown());
	}

	@Test
	void headerDescribesTheRunAndHowToReproduceIt() {
		assertThat(report.markdown()).contains("Smoke run", "- Machine: ", "- JVM: ", "max heap",
				"- Credential API latency injected: 100 ms per call",
				"`mvn -B -pl benchmarks -am -DskipTests install && mvn -B -pl benchmarks exec:exec "
						+ "-Dbenchmarks.args=\"--smoke --output=" + OUTPUT + "\"`");
	}

	@Test
	void guidePatternCallsTheCredentialApiForEveryNewConnection() {
		CredentialCount guide = report.results().credentials(Variant.GUIDE);
		assertThat(guide.logins()).isGreaterThan(report.results().plan().poolSize());
		assertThat(guide.calls()).isEqualTo(guide.logins());
		assertThat(report.results().pools(Variant.GUIDE))
			.allSatisfy((pool) -> assertThat(pool.count().calls()).isEqualTo(pool.count().logins()));
	}

	@Test
	void starterCallsTheCredentialApiOncePerPool() {
		RunPlan plan = report.results().plan();
		assertThat(report.results().credentials(Variant.STARTER).logins()).isGreaterThan(plan.poolSize());
		assertThat(report.results().pools(Variant.STARTER))
			.hasSize(plan.fillWarmups() + plan.fillIterations() + 1)
			.allSatisfy((pool) -> assertThat(pool.count().calls()).isOne());
		assertThat(report.figures().get(0).target()).contains(": met");
	}

	@Test
	void starterStartsWithoutWorkspaceCallsUnlessItChecksAndThenAddsOnlyTheLookupAndTheCredential() {
		StartupBenchmark.Result startup = report.results().startup();
		assertThat(startup.workspaceRequests().get(Variant.STARTER).total()).isZero();
		WorkspaceRequests checked = startup.checkedStarterRequests();
		assertThat(checked.lookup()).isEqualTo(1);
		assertThat(checked.credential()).isEqualTo(1);
		assertThat(checked.client()).isLessThanOrEqualTo(startup.workspaceRequests().get(Variant.GUIDE).client() + 1);
		assertThat(report.figures().get(6).target()).contains(": met");
	}

	@Test
	void healthChecksMakeNoLoginInSteadyState() {
		assertThat(report.results().health().probes()).isEqualTo(HealthProbeBenchmark.PROBES);
		assertThat(report.results().health().logins()).isZero();
		assertThat(report.figures().get(8).target()).contains(": met");
	}

	@Test
	void theStartersR2dbcConnectionsShareOneCredentialAndTheStaticPasswordNone() {
		CredentialCount starter = report.results().r2dbc().churn().get(Variant.STARTER);
		CredentialCount staticPassword = report.results().r2dbc().churn().get(Variant.STATIC_PASSWORD);
		assertThat(starter.logins()).isGreaterThan(report.results().plan().poolSize());
		assertThat(starter.calls()).isLessThanOrEqualTo(1);
		assertThat(staticPassword.logins()).isGreaterThan(report.results().plan().poolSize());
		assertThat(staticPassword.calls()).isZero();
		assertThat(report.figures().get(9).target()).contains(": met");
		assertThat(report.results().r2dbc().medianTransactionsPerSecond(Variant.STARTER)).isPositive();
	}

	@Test
	void aNewUsersFirstRequestMakesOneLookupOneCredentialCallAndOneLogin() {
		UserPoolsBenchmark.NewUsers newUsers = report.results().users().newUsers();
		assertThat(newUsers.users()).isEqualTo(report.results().plan().newUsers());
		assertThat(newUsers.identityLookups()).isEqualTo(newUsers.users());
		assertThat(newUsers.credentialCalls()).isEqualTo(newUsers.users());
		assertThat(newUsers.credentialRequests()).isEqualTo(newUsers.users());
		assertThat(newUsers.logins()).isEqualTo(newUsers.users());
		assertThat(report.figures().get(14).target()).contains(": met");
	}

	@Test
	void knownUsersRequestsAreTimedOnEveryPool() {
		for (UserPoolsBenchmark.Source source : UserPoolsBenchmark.Source.values()) {
			assertThat(report.results().users().requests(source)).isPositive();
		}
	}

	@Test
	void thePluginsPoolSharesOneCredentialHoweverManyConnectionsItOpens() {
		PluginBenchmark.Result plugin = report.results().plugin();
		// The plugin's cache is new at the pool's first login: exactly one call, counted.
		assertThat(plugin.pluginConnections().calls()).isOne();
		assertThat(plugin.pluginConnections().logins()).isGreaterThanOrEqualTo(report.results().plan().pluginLogins());
		assertThat(report.figures().get(17).target()).contains(": met");
		assertThat(plugin.pluginTransactionsPerSecond()).isPositive();
		assertThat(plugin.starterTransactionsPerSecond()).isPositive();
	}

	@Test
	void staticPasswordNeverCallsTheCredentialApi() {
		CredentialCount staticPassword = report.results().credentials(Variant.STATIC_PASSWORD);
		assertThat(staticPassword.logins()).isGreaterThan(report.results().plan().poolSize());
		assertThat(staticPassword.calls()).isZero();
	}

}
